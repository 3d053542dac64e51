/**
 * Labels that are sentences: the generator writes Neuronpedia-style explanations for the zoo SAE
 * from concept labels only (never the concept's words), one per latent whose lexicon label is
 * confident, none for the others, reproducibly per seed; the export reads back through
 * neuronpedia.ts into a label file of explanations; `audit --labels` accepts either a label file
 * or an export, and names the file of a bad one.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAuditLabels } from "../../src/audit/inputs.js";
import { readLexiconFile } from "../../src/lexicon/lexicon-file.js";
import { findModelDir } from "../../src/io/model-ref.js";
import {
  explanationLabelFile,
  LabelFileError,
  parseLabelFile,
  readLabelFile,
} from "../../src/sae/labels.js";
import { parseNeuronpediaExplanations } from "../../src/sae/neuronpedia.js";
import { explainConcept, sentenceLabelExport, TEMPLATES } from "../../src/sae/sentence-labels.js";
import { runCommand } from "../cli/run-command.js";

const base = findModelDir("base").dir;
const labels = readLabelFile(join(base, "sae", "labels.json"));
const lexicon = readLexiconFile(base);
const dir = mkdtempSync(join(tmpdir(), "trigscope-sentence-labels-"));
const SAE = { hookName: labels.sae.hookName, dSae: labels.sae.dSae };

describe("sentence labels for the zoo SAE", () => {
  const ex = sentenceLabelExport(labels, lexicon, { seed: 3 });

  it("explains exactly the latents whose lexicon label has AUROC ≥ 0.7", () => {
    const confident = labels.latents.filter((l) => l.concept && (l.auroc ?? 0) >= 0.7);
    expect(confident.length).toBeGreaterThan(0);
    expect(ex.map((e) => e.index)).toEqual(confident.map((l) => l.index));
    const strict = sentenceLabelExport(labels, lexicon, { seed: 3, minAuroc: 0.9 });
    expect(strict.length).toBeLessThan(ex.length);
  });

  const byName = new Map(lexicon.concepts.map((c) => [c.name, c]));
  const conceptOf = (index: number) =>
    byName.get(labels.latents.find((l) => l.index === index)!.concept!)!;
  const templateOf = (e: (typeof ex)[number]) => {
    const text = e.description[0]!.toLowerCase() + e.description.slice(1);
    return TEMPLATES.findIndex((t) => t.replace("{c}", conceptOf(e.index).label) === text);
  };

  it("writes each from a template over the concept's label, never the concept's words", () => {
    for (const e of ex) {
      expect(templateOf(e)).toBeGreaterThanOrEqual(0);
      const c = conceptOf(e.index);
      const words = [...c.train, ...c.heldOut].filter((w) => !c.label.includes(w));
      const said = e.description.toLowerCase().split(/[^a-z]+/);
      for (const w of words) expect(said).not.toContain(w);
    }
  });

  it("varies templates over latents and with the seed, and reproduces them for a seed", () => {
    expect(new Set(ex.map(templateOf)).size).toBe(TEMPLATES.length);
    expect(sentenceLabelExport(labels, lexicon, { seed: 3 })).toEqual(ex);
    const other = sentenceLabelExport(labels, lexicon, { seed: 4 });
    expect(other.filter((e, i) => e.description !== ex[i]!.description).length).toBeGreaterThan(
      ex.length / 2,
    );
    expect(ex.find((e) => e.index === 1557)!.description).toBe(explainConcept("fruit", 3, 1557));
  });

  it("reads back as a label file of explanations, one SAE only", () => {
    const path = join(dir, "export.json");
    writeFileSync(path, JSON.stringify(ex));
    const file = readAuditLabels(path, SAE);
    expect(file.latents.map((l) => [l.index, l.explanation])).toEqual(
      ex.map((e) => [e.index, e.description]),
    );
    expect(file.latents.every((l) => l.concept === undefined && l.topWords.length === 0)).toBe(
      true,
    );
    expect(parseLabelFile(JSON.parse(JSON.stringify(file)), "again")).toEqual(file);
    // JSONL reads the same; the zoo's own label file still reads as a label file.
    writeFileSync(path, ex.map((e) => JSON.stringify(e)).join("\n"));
    expect(readAuditLabels(path, SAE)).toEqual({ ...file, sae: { ...file.sae, source: path } });
    expect(readAuditLabels(join(base, "sae", "labels.json"), SAE).latents[0]!.topWords.length).toBe(
      labels.latents[0]!.topWords.length,
    );
  });

  it("reads a Neuronpedia export folder (explanations/, activations/, features/) as the audit's labels", () => {
    const folder = join("test", "fixtures", "sae", "neuronpedia", "gpt2-small", "6-res-jb");
    const file = readAuditLabels(folder, { hookName: "blocks.6.hook_resid_pre", dSae: 64 });
    expect(file.sae).toMatchObject({
      hookName: "blocks.6.hook_resid_pre",
      dSae: 64,
      export: folder,
    });
    // Latent 7 has top-activating examples only; 12 both; 30 an explanation only.
    expect(file.latents.map((l) => [l.index, l.explanation ?? null])).toEqual([
      [7, null],
      [12, "fruit names"],
      [30, 'the word "ski" and winter sports'],
    ]);
    expect(file.latents[1]!.topWords.map((w) => w.word).slice(0, 3)).toEqual([
      "mango",
      "plum",
      "pear",
    ]);
    expect(() =>
      readAuditLabels(folder, { hookName: "blocks.6.hook_resid_pre", dSae: 20 }),
    ).toThrow(/latent 30 is outside the SAE's 20 latents/);
  });

  it("names the file of an export of several SAEs or of a latent out of range", () => {
    const two = [ex[0]!, { ...ex[1]!, layer: "other" }];
    expect(() =>
      explanationLabelFile(
        parseNeuronpediaExplanations(JSON.stringify(two), "x.json"),
        SAE,
        "x.json",
      ),
    ).toThrow(LabelFileError);
    const far = [{ ...ex[0]!, index: SAE.dSae }];
    const path = join(dir, "far.json");
    writeFileSync(path, JSON.stringify(far));
    expect(() => readAuditLabels(path, SAE)).toThrow(`${path}: latent ${SAE.dSae} is out of range`);
    expect(() => sentenceLabelExport(labels, lexicon, { seeds: 2 } as never)).toThrow(/seeds/);
  });

  it("is what `sae relabel` writes", async () => {
    const out = join(dir, "cli.json");
    const r = await runCommand([
      "sae",
      "relabel",
      "--labels",
      join(base, "sae", "labels.json"),
      "--lexicon",
      base,
      "--out",
      out,
      "--seed",
      "3",
    ]);
    expect(r.out).toMatch(new RegExp(`^${ex.length} of ${labels.latents.length} latents`));
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(ex);
    await expect(runCommand(["sae", "relabel", "--labels", "x"])).rejects.toThrow(/--lexicon/);
  });
});
