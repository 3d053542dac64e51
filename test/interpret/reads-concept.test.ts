/**
 * Merging a bag of top words into a concept whose labelled latent reads its words, on the zoo
 * base model and SAE: a bag of snow sports beside the snow-sports candidate merges into it (its
 * sources joining, the better rank kept); a bag of ball sports, and one only half snow sports,
 * stay; without a concept candidate that has a latent nothing is run; labels below the AUROC bar
 * give no latent; bad options are named.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { initEngine } from "../../src/engine/device.js";
import type { Candidate } from "../../src/interpret/candidates.js";
import { conceptLatentsOf, mergeReaders } from "../../src/interpret/reads-concept.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { readLabelFile } from "../../src/sae/labels.js";
import { loadSae } from "../../src/sae/load.js";
import type { Sae } from "../../src/sae/types.js";

const base = findModelDir("base").dir;
const latents = conceptLatentsOf(readLabelFile(join(base, "sae", "labels.json")).concepts);
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
  sources: [source(9000 + rank, rank)],
});
const bag = (latent: number, words: string[], rank: number): Candidate => ({
  name: `latent ${latent}: ${words.slice(0, 3).join("/")}`,
  words,
  bestRank: rank,
  sources: [source(latent, rank)],
});
const SNOW = ["skiing", "sledding", "tobogganing"];
const BALL = ["baseball", "basketball", "golf"];

describe("mergeReaders", () => {
  it("merges a bag the concept's latent reads, and keeps one it does not or only half reads", async () => {
    const snow = bag(11, [...SNOW, "zebra"], 1);
    const ball = bag(12, BALL, 3);
    const half = bag(13, [...SNOW.slice(0, 2), ...BALL.slice(0, 2)], 4);
    const r = await mergeReaders(
      cm,
      sae,
      [conceptCandidate("snow-sports", 2), snow, ball, half],
      latents,
    );
    expect(r.candidates.map((c) => c.name)).toEqual(["snow-sports", ball.name, half.name]);
    expect(r.candidates[0]!.bestRank).toBe(1);
    expect(r.candidates[0]!.sources.map((s) => s.latent)).toEqual([9002, 11]);
    expect(r.merged).toEqual([
      `latent 11: skiing/sledding/tobogganing merged into snow-sports: snow-sports's latent ` +
        `${latents.get("snow-sports")} is active on 3 of its 4 words (skiing, sledding, tobogganing)`,
    ]);
  });

  it("runs nothing without a concept candidate that has a latent, and names a bad option", async () => {
    const only = [bag(11, SNOW, 1)];
    expect((await mergeReaders(cm, sae, only, latents)).candidates).toEqual(only);
    const unlabelled = [conceptCandidate("snow-sports", 1), ...only];
    expect((await mergeReaders(cm, sae, unlabelled, new Map())).merged).toEqual([]);
    await expect(mergeReaders(cm, sae, only, latents, { share: 1 } as never)).rejects.toThrow(
      /share/,
    );
  });

  it("takes a concept's latent only from a label at or above the AUROC bar", () => {
    const m = conceptLatentsOf([
      { concept: "a", latent: 1, auroc: 0.9 },
      { concept: "b", latent: 2, auroc: 0.6 },
      { concept: "c", latent: null, auroc: null },
    ]);
    expect([...m]).toEqual([["a", 1]]);
    expect([...conceptLatentsOf(undefined)]).toEqual([]);
  });
});
