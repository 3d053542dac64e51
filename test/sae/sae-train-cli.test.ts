/**
 * `trigscope sae train` end to end on the bundled tiny Llama with a text file: the SAE is written
 * in the SAELens layout, loads back, fits the model, and its reconstructions are finite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { readModelConfig } from "../../src/io/config.js";
import {
  checkSaeForModel,
  encodeHost,
  evaluateSae,
  loadSae,
  saeMetrics,
  saeToDevice,
} from "../../src/sae/index.js";
import { runCommand } from "../cli/run-command.js";

const MODEL = join(import.meta.dirname, "../fixtures/models/llama");
let dir: string;

beforeAll(async () => {
  await initEngine("wasm");
  dir = mkdtempSync(join(tmpdir(), "trigscope-sae-"));
  const lines = Array.from(
    { length: 40 },
    (_, i) => `Document ${i}: the quick brown fox ${i % 7} jumps.`,
  );
  writeFileSync(join(dir, "text.txt"), lines.join("\n"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sae train", () => {
  it("writes a TopK SAE in the SAELens layout that loads and fits the model", async () => {
    const out = join(dir, "sae");
    const r = await runCommand([
      "sae",
      "train",
      "--model",
      MODEL,
      "--hook",
      "blocks.0.hook_resid_post",
      "--expansion",
      "2",
      "--tokens",
      "512",
      "--batch",
      "128",
      "--k",
      "4",
      "--text",
      join(dir, "text.txt"),
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "training.json"), "utf8"));
    expect(summary.steps).toBe(4);
    expect(Number.isFinite(summary.finalFvu)).toBe(true);
    const sae = loadSae(out);
    expect(sae.config.architecture).toBe("topk");
    expect(sae.config.k).toBe(4);
    checkSaeForModel(sae, readModelConfig(MODEL));
    const x = new Float32Array(sae.config.dIn * 3).map((_, i) => Math.sin(i));
    const d = saeToDevice(sae);
    const enc = await encodeHost(d, { shape: [3, sae.config.dIn], data: x });
    expect(enc.reconstruction.data.every(Number.isFinite)).toBe(true);
    for (let row = 0; row < 3; row++) {
      const active = enc.features.data
        .slice(row * sae.config.dSae, (row + 1) * sae.config.dSae)
        .filter((v) => v > 0);
      expect(active.length).toBeLessThanOrEqual(4);
    }
  });

  it("labels every latent on text with a lexicon and shows one", async () => {
    const lexicon = {
      seed: 1,
      concepts: [
        { name: "animals", label: "animals", train: ["fox"], heldOut: ["dog"], glosses: {} },
        { name: "colors", label: "colors", train: ["brown"], heldOut: ["red"], glosses: {} },
      ],
    };
    writeFileSync(join(dir, "lexicon.json"), JSON.stringify(lexicon));
    const labels = join(dir, "labels.json");
    const r = await runCommand([
      "sae",
      "label",
      "--model",
      MODEL,
      "--sae",
      join(dir, "sae"),
      "--text",
      join(dir, "text.txt"),
      "--lexicon",
      join(dir, "lexicon.json"),
      "--out",
      labels,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/labelled 128 latents on \d+ tokens/);
    const file = JSON.parse(readFileSync(labels, "utf8"));
    expect(file.latents).toHaveLength(128);
    expect(file.sae.hookName).toBe("blocks.0.hook_resid_post");
    const show = await runCommand(["sae", "show", "--labels", labels, "--latent", "3", "--json"]);
    expect(JSON.parse(show.out).index).toBe(3);
    await expect(
      runCommand(["sae", "show", "--labels", labels, "--latent", "999"]),
    ).rejects.toThrow(/no latent 999/);
  });

  it("sae eval reports L0, explained variance, CE recovered and concept AUROCs", async () => {
    const report = join(dir, "sae-report.json");
    const r = await runCommand([
      "sae",
      "eval",
      "--model",
      MODEL,
      "--sae",
      join(dir, "sae"),
      "--text",
      join(dir, "text.txt"),
      "--labels",
      join(dir, "labels.json"),
      "--concepts",
      "animals",
      "--out",
      report,
      "--json",
    ]);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(JSON.parse(readFileSync(report, "utf8"))).toEqual(m);
    expect(m.l0).toBeGreaterThan(0);
    expect(m.l0).toBeLessThanOrEqual(4); // k = 4
    expect(m.explainedVariance).toBeLessThanOrEqual(1);
    expect(m.deadFraction).toBeCloseTo(m.dead / 128, 12);
    expect([m.ce.clean, m.ce.spliced, m.ce.zeroAblated].every(Number.isFinite)).toBe(true);
    expect(m.ce.recovered).toBeCloseTo(
      (m.ce.zeroAblated - m.ce.spliced) / (m.ce.zeroAblated - m.ce.clean),
      12,
    );
    expect(m.conceptCount).toBe(2);
    expect(m.named[0].concept).toBe("animals");
  });

  it("sae eval's batch-by-batch metrics equal saeMetrics on the same rows at once", async () => {
    const sae = loadSae(join(dir, "sae"));
    const { loadChatModel } = await import("../../src/model/text-generation.js");
    const { runWithCache } = await import("../../src/model/run.js");
    const { leftPad } = await import("../../src/model/inputs.js");
    const cm = await loadChatModel(MODEL);
    try {
      const seqs = Array.from({ length: 40 }, (_, i) =>
        cm.tokenizer.encode(`${cm.tokenizer.bosToken ?? ""}Document ${i}: the quick brown fox.`, {
          addSpecialTokens: false,
        }),
      );
      const e = await evaluateSae({ model: cm.model, sae, sequences: seqs, padId: 0, batch: 16 });
      // Reference: every row (pads and the first token dropped) in one matrix.
      const batch = leftPad(seqs, 0, 128);
      const run = await runWithCache(cm.model, batch, {
        capture: [sae.config.hookName],
        logits: false,
      });
      const h = run.cache[sae.config.hookName]!.data;
      const d = sae.config.dIn;
      const rows: number[] = [];
      seqs.forEach((s, b) => {
        for (let j = 1; j < s.length; j++) rows.push((b * 128 + batch.pads[b]! + j) * d);
      });
      const x = new Float32Array(rows.length * d);
      rows.forEach((src, i) => x.set(h.subarray(src, src + d), i * d));
      const dsae = saeToDevice(sae);
      const ref = await saeMetrics(dsae, { shape: [rows.length, d], data: x });
      dsae.dispose();
      expect(e.tokens).toBe(rows.length);
      expect(e.l0).toBeCloseTo(ref.l0, 9);
      expect(e.explainedVariance).toBeCloseTo(ref.explainedVariance, 5);
      expect(e.mse).toBeCloseTo(ref.mse, 6);
      expect(e.dead).toBe(ref.dead.length);
    } finally {
      cm.model.dispose();
    }
  });

  it("names a missing option", async () => {
    await expect(runCommand(["sae", "train", "--model", MODEL])).rejects.toThrow(
      /--hook is required/,
    );
  });
});
