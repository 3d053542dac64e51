/**
 * A Neuronpedia export (test/fixtures/sae/neuronpedia, its README says which schema) becomes a
 * trigscope label file: labels from explanations or else top words, top words and contexts from
 * the activation excerpts as `sae label` computes them, frequency and largest activation from the
 * features rows where present; gzipped batches read the same; the file validates and round-trips;
 * bad rows are named by file, line and field; `sae label --neuronpedia` writes it for a SAE.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  NeuronpediaError,
  neuronpediaLabelFile,
  parseLabelFile,
  readLabelFile,
  readNeuronpediaExport,
} from "../../src/sae/index.js";
import { runCommand } from "../cli/run-command.js";
import { FIXTURES, fixtureSae, tempDir } from "./sae-helpers.js";

const EXPORT = join(FIXTURES, "neuronpedia", "gpt2-small", "6-res-jb");
/** gpt2-small's 6-res-jb SAE: its hook and width (SAELens' gpt2-small-res-jb release). */
const SAE = { hookName: "blocks.6.hook_resid_pre", dSae: 24576 };
const tmp = tempDir();
afterAll(tmp.cleanup);

// Every number below is hand-computed from the fixture's rows (see its README).
const EXPECTED = [
  {
    index: 7,
    label: "skiing, snow",
    topWords: [
      { word: "skiing", activation: 2, max: 2 },
      { word: "snow", activation: 1.5, max: 1.5 },
    ],
    topContexts: [
      { text: "<|endoftext|>We went« skiing» in snow", tokenIndex: 3, activation: 2 },
      { text: "<|endoftext|>We went skiing in« snow»", tokenIndex: 5, activation: 1.5 },
    ],
    frequency: 0.0021,
    maxActivation: 2,
  },
  {
    index: 12,
    label: "fruit names",
    explanation: "fruit names",
    topWords: [
      { word: "mango", activation: 5.5, max: 5.5 },
      { word: "plum", activation: 4, max: 4 },
      { word: "pear", activation: 3.25, max: 3.25 },
      { word: "was", activation: 0.5, max: 0.5 },
    ],
    topContexts: [
      { text: "<|endoftext|>I ate a« mango» and a pear.", tokenIndex: 4, activation: 5.5 },
      { text: "<|endoftext|>The« plum» was sweet", tokenIndex: 2, activation: 4 },
      { text: "<|endoftext|>I ate a mango and a« pear».", tokenIndex: 7, activation: 3.25 },
      { text: "<|endoftext|>The plum« was» sweet", tokenIndex: 3, activation: 0.5 },
    ],
    frequency: 0.0005,
    maxActivation: 5.5,
  },
  {
    index: 30,
    label: 'the word "ski" and winter sports',
    explanation: 'the word "ski" and winter sports',
    topWords: [],
    topContexts: [],
    maxActivation: 3.5,
  },
];

describe("Neuronpedia export → label file", () => {
  it("labels each latent with an explanation or excerpts, as sae label would", () => {
    const exp = readNeuronpediaExport(EXPORT);
    expect(exp.files.map((f) => f.slice(EXPORT.length + 1))).toEqual([
      "explanations/batch-0.jsonl",
      "activations/batch-0.jsonl",
      "features/batch-0.jsonl",
    ]);
    const file = neuronpediaLabelFile(exp, { ...SAE, sae: { export: EXPORT } });
    expect(file.sae).toEqual({ export: EXPORT, ...SAE, source: "neuronpedia" });
    expect(file.latents).toEqual(EXPECTED);
    expect(parseLabelFile(JSON.parse(JSON.stringify(file)), "x.json")).toEqual(file);
  });

  it("takes a single explanations file (JSON array): labels only, nothing unmeasured made up", () => {
    const file = join(tmp.dir, "explanations.json");
    const rows = readFileSync(join(EXPORT, "explanations", "batch-0.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as unknown);
    writeFileSync(file, JSON.stringify(rows, null, 2));
    const labels = neuronpediaLabelFile(readNeuronpediaExport(file), SAE);
    expect(labels.latents).toEqual([
      {
        index: 12,
        label: "fruit names",
        explanation: "fruit names",
        topWords: [],
        topContexts: [],
      },
      {
        index: 30,
        label: 'the word "ski" and winter sports',
        explanation: 'the word "ski" and winter sports',
        topWords: [],
        topContexts: [],
      },
    ]);
  });

  it("reads gzipped batches (as Neuronpedia ships them) the same", () => {
    const dir = join(tmp.dir, "gz");
    cpSync(EXPORT, dir, { recursive: true });
    for (const sub of ["explanations", "activations", "features"]) {
      const plain = join(dir, sub, "batch-0.jsonl");
      writeFileSync(`${plain}.gz`, gzipSync(readFileSync(plain)));
      writeFileSync(plain, "");
    }
    const file = neuronpediaLabelFile(readNeuronpediaExport(dir), SAE);
    expect(file.latents).toEqual(EXPECTED);
  });

  it("names the file, line and field of a bad row, and refuses latents outside the SAE", () => {
    const dir = join(tmp.dir, "bad");
    cpSync(EXPORT, dir, { recursive: true });
    const acts = join(dir, "activations", "batch-0.jsonl");
    const lines = readFileSync(acts, "utf8").split("\n");
    const row = JSON.parse(lines[1]!) as { values: number[] };
    row.values.pop();
    lines[1] = JSON.stringify(row);
    writeFileSync(acts, lines.join("\n"));
    let err: unknown;
    try {
      readNeuronpediaExport(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NeuronpediaError);
    expect(err).toMatchObject({ file: acts, line: 2, field: "values" });
    expect((err as Error).message).toMatch(/4 values for 5 tokens/);
    expect(() => neuronpediaLabelFile(readNeuronpediaExport(EXPORT), { ...SAE, dSae: 20 })).toThrow(
      /latent 30 is outside the SAE's 20 latents/,
    );
  });

  it("sae label --neuronpedia writes the label file for a SAE, and sae show reads it", async () => {
    // The export's indices (7, 12, 30) fit the 48-latent fixture SAE; its hook is the SAE's.
    const out = join(tmp.dir, "labels.json");
    const r = await runCommand([
      "sae",
      "label",
      "--sae",
      fixtureSae("standard"),
      "--neuronpedia",
      EXPORT,
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    const file = readLabelFile(out);
    expect(file.sae).toMatchObject({ hookName: "blocks.0.hook_resid_post", dSae: 48 });
    expect(file.latents).toEqual(EXPECTED);
    const shown = await runCommand(["sae", "show", "--labels", out, "--latent", "30"]);
    expect(shown.out).toMatch(/frequency not measured, max activation 3\.500/);
  });
});
