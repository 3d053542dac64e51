/**
 * Checkpoints whose config.json vocab_size exceeds the tokenizer (Qwen2.5 pads 151,665 tokens to
 * 152,064; Llama 3.2 and many finetunes too). The `<arch>-padded` fixtures of
 * test/fixtures/make_fixtures.py have 16 padding ids whose output rows were scaled so that
 * transformers' greedy generation emits them (manifest `padded_vocab.generated_padding_ids`);
 * transformers decodes them to nothing and goes on. Here: the same logits, the same greedy ids and
 * log-probs (library and `generate --json`), and the same decoded text, for every family.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../cli/run-command.js";
import { initEngine } from "../../src/engine/device.js";
import { generate } from "../../src/model/generate.js";
import { batchFromMask } from "../../src/model/inputs.js";
import { loadModel } from "../../src/model/model.js";
import { runWithCache } from "../../src/model/run.js";
import { loadTokenizer } from "../../src/tokenizer/tokenizer.js";
import { expectClose } from "./compare.js";
import { ARCHES, loadFixture, type Fixture } from "./fixture.js";

const ATOL = 1e-4;

interface PaddedManifest {
  padded_vocab: { tokenizer_size: number; vocab_size: number; generated_padding_ids: number };
  generation: { texts: string[]; steered_texts: string[] };
}

function promptRows(fx: Fixture): number[][] {
  const ids = fx.i32("gen_input_ids");
  const mask = fx.i32("gen_attention_mask");
  const [b, t] = ids.shape as [number, number];
  return Array.from({ length: b }, (_, i) =>
    Array.from(ids.data.subarray(i * t, (i + 1) * t)).filter((_, j) => mask.data[i * t + j] === 1),
  );
}

function newTokens(fx: Fixture, name: string): number[][] {
  const out = fx.i32(name);
  const [b, width] = out.shape as [number, number];
  const n = fx.manifest.generation.max_new_tokens;
  return Array.from({ length: b }, (_, i) =>
    Array.from(out.data.subarray(i * width + width - n, (i + 1) * width)),
  );
}

describe.each(ARCHES)("%s with a vocab_size padded past its tokenizer", (arch) => {
  let fx: Fixture;
  let manifest: PaddedManifest;

  beforeAll(async () => {
    await initEngine("wasm");
    fx = loadFixture(`${arch}-padded`);
    manifest = JSON.parse(readFileSync(join(fx.dir, "reference.json"), "utf8")) as PaddedManifest;
  });

  it("has padding ids that transformers' greedy generation emits", async () => {
    const tok = await loadTokenizer(fx.dir);
    const { tokenizer_size, vocab_size, generated_padding_ids } = manifest.padded_vocab;
    expect(tok.vocabSize).toBe(tokenizer_size);
    expect(vocab_size).toBeGreaterThan(tokenizer_size);
    expect(generated_padding_ids).toBeGreaterThan(0);
  });

  it("gives transformers' logits over the whole padded vocabulary", async () => {
    const model = loadModel(fx.dir);
    try {
      expect(model.config.vocabSize).toBe(manifest.padded_vocab.vocab_size);
      const ids = fx.i32("input_ids");
      const mask = fx.i32("attention_mask");
      const [b, t] = ids.shape as [number, number];
      const hb = batchFromMask(ids.data, Uint8Array.from(mask.data), b, t);
      const r = await runWithCache(model, hb, { capture: [] });
      const v = model.config.vocabSize;
      expectClose("logits", r.logits!.data, fx.f32("logits").data, {
        atol: ATOL,
        where: (i) => hb.mask[Math.floor(i / v)] === 1,
      });
    } finally {
      model.dispose();
    }
  });

  it.each([
    ["without steering", "gen_output_ids", "gen_logprobs", "texts", false],
    ["with steering", "gen_steer_output_ids", "gen_steer_logprobs", "steered_texts", true],
  ] as const)(
    "generates and decodes transformers' tokens %s, padding ids included",
    async (_label, outName, lpName, textKey, steered) => {
      const model = loadModel(fx.dir);
      const tok = await loadTokenizer(fx.dir);
      try {
        const n = fx.manifest.generation.max_new_tokens;
        const steering = steered
          ? { layer: fx.manifest.steer.layer, vector: fx.f32("steer_vector").data, scale: 1 }
          : undefined;
        const g = await generate(model, promptRows(fx), {
          maxNewTokens: n,
          eosTokenIds: [],
          padTokenId: fx.manifest.generation.pad_token_id,
          decode: (ids) => tok.decode(ids, { skipSpecialTokens: true }),
          ...(steering ? { steering } : {}),
        });
        const want = newTokens(fx, outName);
        const lp = fx.f32(lpName).data;
        want.forEach((row, i) => {
          expect(g.ids[i], `row ${i}`).toEqual(row);
          expectClose(`${lpName}[${i}]`, g.logprobs[i]!, lp.subarray(i * n, (i + 1) * n), {
            atol: ATOL,
          });
        });
        expect(g.texts).toEqual(manifest.generation[textKey]);
      } finally {
        model.dispose();
      }
    },
  );

  it("`generate --prompt-ids … --json` prints transformers' ids, log-probs and text", async () => {
    const rows = promptRows(fx);
    const n = fx.manifest.generation.max_new_tokens;
    const r = await runCommand([
      "generate",
      "--model",
      fx.dir,
      ...rows.flatMap((row) => ["--prompt-ids", row.join(",")]),
      "--max-new-tokens",
      String(n),
      "--ignore-eos",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as {
      prompt_ids: number[];
      ids: number[];
      text: string;
      logprobs: number[];
    }[];
    const want = newTokens(fx, "gen_output_ids");
    const lp = fx.f32("gen_logprobs").data;
    printed.forEach((p, i) => {
      expect(p.prompt_ids).toEqual(rows[i]);
      expect(p.ids).toEqual(want[i]);
      expect(p.text).toBe(manifest.generation.texts[i]);
      expectClose(`logprobs[${i}]`, p.logprobs, lp.subarray(i * n, (i + 1) * n), { atol: ATOL });
    });
  });
});

describe("decoding ids the tokenizer lacks", () => {
  it("drops them as transformers does, and still refuses negative or fractional ids", async () => {
    const tok = await loadTokenizer(loadFixture("qwen2-padded").dir);
    const known = tok.encode("Jupiter is the largest planet.");
    const padded = [tok.vocabSize, tok.vocabSize + 7];
    expect(tok.decode([...known.slice(0, 2), ...padded, ...known.slice(2)])).toBe(
      tok.decode(known),
    );
    expect(tok.decode(padded)).toBe("");
    expect(() => tok.decode([-1])).toThrow(/not a token id/);
    expect(() => tok.decode([1.5])).toThrow(/not a token id/);
  });

  it("rejects prompt ids past the model's vocab_size, naming the id and the limit", async () => {
    const fx = loadFixture("llama-padded");
    await expect(
      runCommand(["generate", "--model", fx.dir, "--prompt-ids", "1,2,99999", "--json"]),
    ).rejects.toThrow(/99999 is not a token id of the model \(0 ≤ id < vocab_size 336\)/);
  });
});
