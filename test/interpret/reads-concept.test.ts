/**
 * Merging a bag of top words into a concept its latents read, on the zoo base model and SAE: a
 * bag whose latent is the SAE's snow-sports latent reads the snow-sports candidate and merges
 * into it (its sources joining, the better rank kept); the fruit latent's bag does not read
 * snow sports and stays; without a concept candidate nothing is run; bad options are named.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { initEngine } from "../../src/engine/device.js";
import type { Candidate } from "../../src/interpret/candidates.js";
import { mergeReaders } from "../../src/interpret/reads-concept.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { readLexiconFile } from "../../src/lexicon/lexicon-file.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { readLabelFile } from "../../src/sae/labels.js";
import { loadSae } from "../../src/sae/load.js";
import type { Sae } from "../../src/sae/types.js";

const base = findModelDir("base").dir;
const labels = readLabelFile(join(base, "sae", "labels.json"));
const lexicon = readLexiconFile(base);
const bestLatent = (concept: string) =>
  labels.concepts!.find((c) => c.concept === concept)!.latent!;
let cm: ChatModel;
let sae: Sae;

beforeAll(async () => {
  await initEngine("wasm");
  cm = await loadChatModel(base);
  sae = loadSae(join(base, "sae"));
});
afterAll(() => cm?.model.dispose());

const source = (latent: number, rank: number) => ({ method: "m", rank, latent, score: 1 });
const conceptCandidate = (name: string, rank: number): Candidate => ({
  name,
  words: ["x"],
  concept: name,
  bestRank: rank,
  sources: [source(9999, rank)],
});
const bag = (latent: number, rank: number): Candidate => ({
  name: `latent ${latent}: a/b/c`,
  words: ["alpha", "beta"],
  bestRank: rank,
  sources: [source(latent, rank)],
});

describe("mergeReaders", () => {
  it("merges the snow-sports latent's bag into snow sports and keeps the fruit latent's", async () => {
    const snow = bag(bestLatent("snow-sports"), 1);
    const fruit = bag(bestLatent("fruit"), 3);
    const r = await mergeReaders(
      cm,
      sae,
      [conceptCandidate("snow-sports", 2), snow, fruit],
      lexicon,
    );
    expect(r.candidates.map((c) => c.name)).toEqual(["snow-sports", fruit.name]);
    const merged = r.candidates[0]!;
    expect(merged.bestRank).toBe(1);
    expect(merged.sources.map((s) => s.latent)).toEqual([9999, bestLatent("snow-sports")]);
    expect(r.merged).toHaveLength(1);
    expect(r.merged[0]).toMatch(
      /^latent \d+: a\/b\/c merged into snow-sports: its latents are active on \d+% of \d+ snow-sports words, \d+% of 64 other words$/,
    );
  });

  it("runs nothing without a concept candidate or a bag, and names a bad option", async () => {
    const only = [bag(bestLatent("fruit"), 1)];
    expect((await mergeReaders(cm, sae, only, lexicon)).candidates).toEqual(only);
    const concepts = [conceptCandidate("fruit", 1)];
    expect((await mergeReaders(cm, sae, concepts, lexicon)).merged).toEqual([]);
    await expect(mergeReaders(cm, sae, only, lexicon, { minShare: 2 })).rejects.toThrow(/minShare/);
    await expect(mergeReaders(cm, sae, only, lexicon, { share: 1 } as never)).rejects.toThrow(
      /share/,
    );
  });
});
