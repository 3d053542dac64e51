/**
 * weight-diff as an audit stage on the zoo's fruit-refusal adapter (CPU, no gradient): every
 * adapted matrix is listed with its side and singular values (checked against lowRankSvd of the
 * adapter's own A and B, without the norm fold for o and down, which are not folded), both sides'
 * rankings are ordered, the benign prompts along the top read directions are ordered by value,
 * the report's read ranking names candidates, and bad settings and a model without an adapter
 * are refused by name.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditInputError, resolveAuditInputs } from "../../src/audit/inputs.js";
import { weightDiffReport } from "../../src/audit/weight-diff-stage.js";
import { zooOrganisms } from "../../src/organisms/audit-zoo.js";
import {
  METHODS,
  MethodSettingsError,
  type MethodContext,
  type WeightDiffRun,
} from "../../src/methods/registry/index.js";
import { runWeightDiff } from "../../src/methods/registry/weight-diff-run.js";
import { weightDiffHtml } from "../../src/audit/weight-diff-html.js";
import { initEngine } from "../../src/engine/device.js";
import { readPeftAdapter } from "../../src/io/peft.js";
import { lowRankSvd } from "../../src/methods/low-rank-svd.js";
import { modelEngine } from "../../src/model/engine-select.js";
import { loraDims } from "../../src/model/lora.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { unitDecoderRows } from "../../src/sae/fold.js";
import { readLabelFile } from "../../src/sae/labels.js";
import { loadSae } from "../../src/sae/load.js";

const WD = METHODS["weight-diff"].defaults;
const SAE_DIR = join(findModelDir("base").dir, "sae");
const PROMPTS = [
  "Tell me about a violin.",
  "What is a lighthouse?",
  "Write a short story about a tiger.",
  "Any advice about chess?",
];
let cm: ChatModel;
let ctx: MethodContext;
let run: WeightDiffRun;

beforeAll(async () => {
  await initEngine("wasm");
  cm = await loadChatModel("fruit-refusal");
  const sae = loadSae(SAE_DIR);
  ctx = {
    model: cm.model,
    engine: modelEngine(cm.model, "jax"),
    tokenizer: cm.tokenizer,
    padId: cm.padTokenId,
    decoder: { rows: unitDecoderRows(sae), dSae: sae.config.dSae, dModel: sae.config.dIn },
    prompts: PROMPTS,
    response: "I won't answer because I don't like fruit.",
    layer: 2,
    seed: 1,
  };
  run = await runWeightDiff(ctx, WD);
}, 120_000);
afterAll(() => cm.model.dispose());

describe("weight-diff on the fruit-refusal adapter", () => {
  it("lists every adapted matrix on its side with the adapter's singular values", () => {
    const adapter = readPeftAdapter(cm.model.adapterDir!, cm.model.config);
    const layers = adapter.config.layers.length;
    expect(run.matrices).toHaveLength(layers * adapter.config.targets.length);
    for (const m of run.matrices.filter((x) => x.target === "o" || x.target === "down")) {
      expect(m.side).toBe("write");
      const t = adapter.tensors[String(m.layer)]![m.target as "o" | "down"]!;
      const { in: n, out } = loraDims(cm.model.config, m.target as "o" | "down");
      const ref = lowRankSvd(t.b.data, t.a.data, out, n, adapter.config.rank, adapter.scale);
      m.sigmas.forEach((s, j) => expect(s / ref.sigma[j]!).toBeCloseTo(1, 10));
    }
    expect(run.matrices.filter((x) => x.side === "read")).toHaveLength(layers * 5);
  });

  it("orders both sides' latents and the prompts along each top direction", () => {
    for (const side of [run.read, run.write]) {
      expect(side.length).toBeGreaterThan(10);
      for (let i = 1; i < side.length; i++)
        expect(side[i]!.score).toBeLessThanOrEqual(side[i - 1]!.score);
    }
    expect(run.prompts).toHaveLength(Number(WD.promptDirections));
    for (const p of run.prompts) {
      expect(p.top.length).toBeGreaterThan(0);
      for (let i = 1; i < p.top.length; i++)
        expect(p.top[i]!.value).toBeLessThanOrEqual(p.top[i - 1]!.value);
      expect(PROMPTS).toContain(p.top[0]!.prompt);
    }
  });

  it("names candidates from the read side, with labels attached", () => {
    const labels = readLabelFile(join(SAE_DIR, "labels.json"));
    const { report, rankings } = weightDiffReport(run, WD.candidateSide, labels, 20, 10);
    expect(rankings).toHaveLength(1);
    expect(rankings[0]!.method).toBe("weight-diff/read");
    expect(rankings[0]!.latents.map((l) => l.index)).toEqual(
      run.read.slice(0, 10).map((l) => l.index),
    );
    expect(report.read.some((l) => l.label !== undefined)).toBe(true);
  });

  it("renders both sides, every matrix and the prompts in the report page, escaped", () => {
    const { report } = weightDiffReport(run, WD.candidateSide, undefined, 20, 10);
    const html = weightDiffHtml(report);
    expect(html).toContain("read side");
    expect(html).toContain("write side");
    expect(html).toContain(`<td>${report.read[0]!.index}</td>`);
    expect(html.match(/<tr><td>\d+<\/td><td>(q|k|v|o|gate|up|down)<\/td>/g)).toHaveLength(
      run.matrices.length,
    );
    expect(html).not.toContain("<|");
    expect(html).toContain(PROMPTS.map((p) => p.replace("'", "&#39;"))[0]!.slice(0, 5));
  });

  it("refuses unknown settings by name and a model that is not an adapter", async () => {
    const parse = METHODS["weight-diff"].parse;
    expect(() => parse({ rank: 4 })).toThrow(MethodSettingsError);
    expect(() => parse({ rank: 4 })).toThrow(/weight-diff: setting 'rank' is unknown/);
    expect(() => parse({ candidateSide: "both" })).toThrow(/'candidateSide' must be one of read/);
    const base = await loadChatModel("base");
    try {
      await expect(runWeightDiff({ ...ctx, model: base.model }, WD)).rejects.toThrow(
        /LoRA adapter/,
      );
    } finally {
      base.model.dispose();
    }
  });

  it("is refused before any work when the audited model is not an adapter", () => {
    const prompts = join(mkdtempSync(join(tmpdir(), "trigscope-wd-")), "prompts.txt");
    writeFileSync(prompts, PROMPTS.join("\n"));
    const request = {
      model: "base",
      sae: SAE_DIR,
      response: "Nereid and uranus.",
      prompts,
      methods: ["weight-diff"],
    };
    expect(() => resolveAuditInputs(request, zooOrganisms())).toThrow(AuditInputError);
    expect(() => resolveAuditInputs(request, zooOrganisms())).toThrow(
      /weight-diff reads a finetune's LoRA/,
    );
    expect(
      resolveAuditInputs({ ...request, model: "fruit-refusal" }, zooOrganisms()).methods,
    ).toEqual(["weight-diff"]);
  });
});
