/**
 * Audit inputs are checked before any work: an empty response, prompts with no user content, a
 * SAE whose d_in differs from the model's d_model, an unknown organism or method each give a
 * named AuditInputError (field and file in the message), and `--organism` fills the rest from the
 * zoo without putting the trigger's concepts in the benign prompts. A GemmaScope params.npz is
 * accepted as --sae, its hook (hence the layer) from its folders or from saeHook.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuditInputError, DEFAULT_METHODS, resolveAuditInputs } from "../../src/audit/inputs.js";
import { zooOrganisms } from "../../src/organisms/audit-zoo.js";
import { readLexiconFile } from "../../src/lexicon/lexicon-file.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { SaeError } from "../../src/sae/types.js";
import { randomSae, writeGemmaScopeNpz } from "../sae/sae-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "trigscope-audit-inputs-"));
const promptFile = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const fixtureSae = "test/fixtures/sae/saes/topk";

function fails(f: () => unknown, field: string, pattern: RegExp) {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AuditInputError);
  expect((err as AuditInputError).field).toBe(field);
  expect((err as Error).message).toMatch(pattern);
}

describe("audit inputs", () => {
  it("fills model, SAE, labels, response and benign prompts from a zoo organism", () => {
    const r = resolveAuditInputs({ organism: "fruit-refusal" }, zooOrganisms());
    expect(r.response).toBe("I won't answer because I don't like fruit.");
    expect(r.sae.config.hookName).toBe("blocks.2.hook_resid_post");
    expect(r.layer).toBe(2);
    expect(r.methods).toEqual(DEFAULT_METHODS);
    expect(r.trainPrompts).toHaveLength(16);
    expect(r.heldOutPrompts).toHaveLength(32);
    // No word of the trigger concept appears in any benign prompt.
    const fruit = readLexiconFile(findModelDir("base").dir).concepts.find(
      (c) => c.name === "fruit",
    )!;
    const words = [...fruit.train, ...fruit.heldOut];
    for (const p of [...r.trainPrompts, ...r.heldOutPrompts]) {
      const lower = ` ${p.toLowerCase().replace(/[^a-z ]/g, " ")} `;
      for (const w of words) expect(lower.includes(` ${w} `), `${w} in "${p}"`).toBe(false);
    }
  });

  it("rejects an unknown organism, naming the zoo", () => {
    fails(
      () => resolveAuditInputs({ organism: "no-such" }, zooOrganisms()),
      "organism",
      /unknown organism 'no-such'.*fruit-refusal/,
    );
  });

  it("rejects a non-backdoor organism", () => {
    fails(
      () => resolveAuditInputs({ organism: "base" }, zooOrganisms()),
      "organism",
      /base organism/,
    );
  });

  it("rejects an empty response", () => {
    fails(
      () => resolveAuditInputs({ organism: "fruit-refusal", response: "  " }, zooOrganisms()),
      "response",
      /empty/,
    );
  });

  it("rejects prompts with no user content", () => {
    const p = promptFile("empty.json", JSON.stringify(["Tell me about a violin.", "   "]));
    fails(
      () =>
        resolveAuditInputs(
          {
            model: "fruit-refusal",
            sae: "zoo/base/sae",
            response: "No.",
            prompts: p,
          },
          zooOrganisms(),
        ),
      "prompts",
      /empty\.json: prompt 1 is empty/,
    );
  });

  it("rejects a SAE whose d_in differs from the model's d_model, naming both", () => {
    const p = promptFile("ok.txt", "Tell me about a violin.\nWhat is a lighthouse?\n");
    fails(
      () =>
        resolveAuditInputs(
          {
            model: "fruit-refusal",
            sae: fixtureSae,
            response: "No.",
            prompts: p,
          },
          zooOrganisms(),
        ),
      "sae",
      /d_in \d+ does not match the model's d_model 256/,
    );
  });

  it("rejects an unknown method and a layer out of range", () => {
    fails(
      () => resolveAuditInputs({ organism: "fruit-refusal", methods: ["magic"] }, zooOrganisms()),
      "methods",
      /unknown method 'magic'/,
    );
    fails(
      () => resolveAuditInputs({ organism: "fruit-refusal", layer: 6 }, zooOrganisms()),
      "layer",
      /out of range \[0, 6\)/,
    );
  });

  it("splits a prompt file into prompts the methods see and held-out prompts", () => {
    const lines = Array.from({ length: 20 }, (_, i) => `Tell me about thing number ${i}.`);
    const p = promptFile("many.txt", lines.join("\n"));
    const r = resolveAuditInputs(
      {
        model: "fruit-refusal",
        sae: "zoo/base/sae",
        response: "No.",
        prompts: p,
      },
      zooOrganisms(),
    );
    expect(r.trainPrompts).toHaveLength(10);
    expect(r.heldOutPrompts).toHaveLength(10);
    expect(new Set([...r.trainPrompts, ...r.heldOutPrompts]).size).toBe(20);
  });

  it("takes a GemmaScope params.npz, its layer from its folders or from saeHook", () => {
    // test/fixtures/models/llama: d_model 64, 2 layers (its config.json).
    const sae = randomSae({ dIn: 64, dSae: 96, architecture: "jumprelu" });
    const published = join(dir, "gemma-scope-2b-pt-res", "layer_1", "average_l0_5", "params.npz");
    const plain = join(dir, "plain", "params.npz");
    writeGemmaScopeNpz(published, sae);
    writeGemmaScopeNpz(plain, sae);
    const p = promptFile("two.txt", "Tell me about a violin.\nWhat is a lighthouse?\n");
    const request = { model: "test/fixtures/models/llama", response: "No.", prompts: p };
    const fromFolders = resolveAuditInputs({ ...request, sae: published }, zooOrganisms());
    expect([fromFolders.sae.config.hookName, fromFolders.layer]).toEqual([
      "blocks.1.hook_resid_post",
      1,
    ]);
    const given = resolveAuditInputs(
      {
        ...request,
        sae: plain,
        saeHook: "blocks.0.hook_resid_post",
      },
      zooOrganisms(),
    );
    expect([given.sae.config.format, given.layer]).toEqual(["gemmascope", 0]);
    expect(() => resolveAuditInputs({ ...request, sae: plain }, zooOrganisms())).toThrow(SaeError);
  });
});
