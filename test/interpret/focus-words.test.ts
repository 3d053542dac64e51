/**
 * Focusing an explanation's words on its latent, on the zoo base model and SAE: of a mix of snow
 * sports and ball sports (what WordNet's "sport" gives for "snow sports"), the snow-sports latent
 * keeps the snow sports and the ball-sports latent the ball sports; a latent active on too few
 * words leaves the words as they were, with a warning; bad latents are named.
 */
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { focusWords, wordActivations } from "../../src/interpret/focus-words.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { readLabelFile } from "../../src/sae/labels.js";
import { loadSae } from "../../src/sae/load.js";
import type { Sae } from "../../src/sae/types.js";
import { join } from "node:path";

const base = findModelDir("base").dir;
const labels = readLabelFile(join(base, "sae", "labels.json"));
/** The zoo SAE's best latent for a concept (labels.json "concepts"). */
const bestLatent = (concept: string) =>
  labels.concepts!.find((c) => c.concept === concept)!.latent!;
const SNOW = ["skiing", "sledding", "bobsledding", "tobogganing", "ski jumping"];
const BALL = ["baseball", "basketball", "football", "golf", "volleyball"];
const MIX = [...BALL.slice(0, 3), ...SNOW, ...BALL.slice(3)];
let cm: ChatModel;
let sae: Sae;

beforeAll(async () => {
  await initEngine("wasm");
  cm = await loadChatModel(base);
  sae = loadSae(join(base, "sae"));
});
afterAll(() => cm?.model.dispose());

describe("focusing words on a latent", () => {
  it("keeps the snow sports for the snow-sports latent and the ball sports for the sports one", async () => {
    const snow = await focusWords(cm, sae, MIX, [bestLatent("snow-sports")]);
    expect(snow.focused).toBe(true);
    expect(snow.words.length).toBeGreaterThanOrEqual(3);
    expect(snow.words.every((w) => SNOW.includes(w))).toBe(true);
    const ball = await focusWords(cm, sae, MIX, [bestLatent("sports")]);
    expect(ball.words.length).toBeGreaterThanOrEqual(3);
    expect(ball.words.every((w) => BALL.includes(w))).toBe(true);
    // Kept words keep their given order.
    expect(snow.words).toEqual(MIX.filter((w) => snow.words.includes(w)));
  });

  it("scores each word by its latent's activation on the word's tokens", async () => {
    const acts = await wordActivations(
      cm,
      sae,
      ["skiing", "baseball"],
      [bestLatent("snow-sports"), bestLatent("sports")],
    );
    expect(acts[0]![0]!).toBeGreaterThan(acts[1]![0]!);
    expect(acts[1]![1]!).toBeGreaterThan(acts[0]![1]!);
  });

  it("leaves the words as they were when the latent is active on fewer than minKept", async () => {
    const latent = bestLatent("snow-sports");
    const words = [...BALL, ...SNOW.slice(0, 2)];
    const active = (await wordActivations(cm, sae, words, [latent])).filter((a) => a[0]! > 0);
    expect(active.length).toBeGreaterThanOrEqual(2);
    const f = await focusWords(cm, sae, words, [latent], { minKept: active.length + 1 });
    expect(f.focused).toBe(false);
    expect(f.words).toEqual(words);
    expect(f.warning).toMatch(new RegExp(`active on ${active.length} of ${words.length} words`));
    const g = await focusWords(cm, sae, words, [latent], { minKept: active.length });
    expect(g.focused).toBe(true);
    expect(g.words).toHaveLength(active.length);
  });

  it("names a latent outside the SAE and an unknown option", async () => {
    await expect(focusWords(cm, sae, SNOW, [sae.config.dSae])).rejects.toThrow(/latents\[0\]/);
    await expect(focusWords(cm, sae, SNOW, [1], { min: 2 } as never)).rejects.toThrow(/min/);
  });
});
