/**
 * The CLI as other tools use it: `generate --json` on a fixture model reproduces transformers'
 * greedy continuation (prompt text → the same prompt ids → the same 8 tokens), `model info`
 * describes the directory, and bad input gives a clear error and exit code.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { loadTokenizer } from "../../src/tokenizer/tokenizer.js";
import { loadFixture } from "../model/fixture.js";

async function cli(argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, {
    stdout: (t) => (out += t + "\n"),
    stderr: (t) => (err += t + "\n"),
  });
  return { code, out, err };
}

describe("trigscope generate --json", () => {
  it.each(["llama", "qwen2", "gpt2"])(
    "gives transformers' greedy tokens and log-probs for %s",
    async (arch) => {
      const fx = loadFixture(arch);
      const tok = await loadTokenizer(fx.dir);
      const ids = fx.i32("gen_input_ids");
      const mask = fx.i32("gen_attention_mask");
      const t = ids.shape[1]!;
      const row = Array.from(ids.data.subarray(0, t)).filter((_, j) => mask.data[j] === 1);
      const bos = tok.addBosToken && row[0] === tok.bosTokenId ? 1 : 0;
      const text = tok.decode(row.slice(bos));
      const n = fx.manifest.generation.max_new_tokens;
      const r = await cli([
        "generate",
        "--model",
        fx.dir,
        "--prompt",
        text,
        "--max-new-tokens",
        String(n),
        "--ignore-eos",
        "--json",
      ]);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      const json = JSON.parse(r.out) as {
        prompt_ids: number[];
        ids: number[];
        text: string;
        logprobs: number[];
      };
      expect(json.prompt_ids).toEqual(row);
      const out = fx.i32("gen_output_ids");
      const width = out.shape[1]!;
      expect(json.ids).toEqual(Array.from(out.data.subarray(width - n, width)));
      const lp = fx.f32("gen_logprobs").data.subarray(0, n);
      json.logprobs.forEach((v, i) => expect(Math.abs(v - lp[i]!)).toBeLessThan(1e-4));
      expect(json.text).toBe(tok.decode(json.ids, { skipSpecialTokens: true }));
    },
  );

  it("names the missing steering vector and exits 1", async () => {
    const fx = loadFixture("llama");
    const r = await cli([
      "generate",
      "--model",
      fx.dir,
      "--prompt",
      "hi",
      "--steer",
      "/nonexistent.safetensors",
      "--layer",
      "0",
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nonexistent\.safetensors/);
  });

  it("rejects unknown options with usage and exit 2", async () => {
    const r = await cli(["generate", "--model", "x", "--prompt", "y", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option --bogus/);
  });
});

describe("trigscope model info", () => {
  it("lists the SAEs in the model's folder and under --sae, with format, hook and width", async () => {
    const sae = join(import.meta.dirname, "../fixtures/sae/saes");
    const r = await cli(["model", "info", "zoo/base", "--sae", sae]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /saes {8}saelens topk at .*zoo\/base\/sae: blocks.2.hook_resid_post, 2048 latents\n/,
    );
    expect(r.out).toMatch(
      /gemmascope jumprelu at .*gemmascope: hook not named \(--sae-hook\), 48 latents \(d_in 16 ≠ d_model 256\)/,
    );
    expect(r.out).toMatch(/llamascope jumprelu at .*llamascope: blocks.1.hook_resid_post/);
    const json = JSON.parse((await cli(["model", "info", "zoo/base", "--json"])).out) as {
      saes: { format: string; dSae: number }[];
    };
    expect(json.saes).toEqual([expect.objectContaining({ format: "saelens", dSae: 2048 })]);
  });

  it("reports a padded vocabulary, sliding-window layers and soft caps (gemma2-padded fixture)", async () => {
    const r = await cli(["model", "info", loadFixture("gemma2-padded").dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/arch {8}gemma2: 2 layers/);
    expect(r.out).toMatch(/vocab {7}padded: vocab_size 416 = 400 tokenizer tokens \+ 16 ids/);
    expect(r.out).toMatch(/attention {3}sliding window of 4 on 1 of 2 layers \(0\)/);
    expect(r.out).toMatch(/soft caps {3}attention 3, final logits 4/);
  });

  it("reports the architecture, parameter count and weight dtypes as JSON", async () => {
    const fx = loadFixture("qwen2");
    const r = await cli(["model", "info", fx.dir, "--json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out);
    expect(info.config.architecture).toBe("qwen2");
    expect(info.weightDtypes).toEqual({ BF16: expect.any(Number) });
    // 2 layers × (q,k,v,o + biases + 3 MLP + 2 norms) + embed + final norm + lm_head, from config.json.
    const c = info.config;
    const perLayer =
      c.dModel * c.nHeads * c.dHead * 2 +
      c.dModel * c.nKvHeads * c.dHead * 2 +
      (c.nHeads + 2 * c.nKvHeads) * c.dHead +
      3 * c.dModel * c.dMlp +
      2 * c.dModel;
    expect(info.parameters).toBe(c.nLayers * perLayer + 2 * c.vocabSize * c.dModel + c.dModel);
  });

  it("names the directory when it has no config.json", async () => {
    const r = await cli(["model", "info", "/tmp", "--json"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/config\.json/);
  });
});
