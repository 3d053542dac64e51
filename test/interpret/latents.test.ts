/**
 * Latent ranking: by cosine with unit decoder rows (a hand-computed example, and a random
 * decoder against an independent float64 recomputation from the raw rows), by code value z, with
 * labels attached from a label file; bad input rejected by name.
 */
import { describe, expect, it } from "vitest";
import { InterpretInputError } from "../../src/interpret/errors.js";
import { attachLabels, rankByCode, rankByCosine } from "../../src/interpret/latents.js";
import type { SaeDecoder } from "../../src/sae/decoder-space.js";
import { mulberry32 } from "../../src/random/seeded.js";
import type { LabelFile } from "../../src/sae/labels.js";

const S = Math.SQRT1_2;
/** Six unit rows in R^4, chosen so the cosines with (3, 4, 0, 0) are easy to work out by hand. */
const HAND: SaeDecoder = {
  rows: Float32Array.from([
    ...[1, 0, 0, 0], // cos = 3/5
    ...[0, 1, 0, 0], // cos = 4/5
    ...[S, S, 0, 0], // cos = (3 + 4)/(5√2) = 0.98995
    ...[-1, 0, 0, 0], // cos = -3/5
    ...[0.5, 0.5, 0.5, 0.5], // cos = 3.5/5 = 0.7
    ...[0, 0, 1, 0], // cos = 0
  ]),
  dSae: 6,
  dModel: 4,
};

const LABELS: LabelFile = {
  version: 1,
  sae: { hookName: "blocks.2.hook_resid_post", dSae: 6 },
  latents: [
    {
      index: 2,
      label: "fruit (AUROC 0.95): mango, pear",
      concept: "fruit",
      auroc: 0.95,
      topWords: ["mango", "pear", "plum", "kiwi", "lime", "fig", "date"].map((word, i) => ({
        word,
        activation: 7 - i,
      })),
      topContexts: [],
      frequency: 0.01,
      maxActivation: 9,
    },
    {
      index: 1,
      label: "the",
      topWords: [{ word: "the", activation: 1 }],
      topContexts: [],
      frequency: 0.3,
      maxActivation: 2,
    },
  ],
};

describe("ranking by cosine", () => {
  it("orders a hand-computed example by cosine, largest first", () => {
    const r = rankByCosine(HAND, [3, 4, 0, 0], 6);
    expect(r.map((x) => x.index)).toEqual([2, 1, 4, 0, 5, 3]);
    const expected = [0.98994949, 0.8, 0.7, 0.6, 0, -0.6];
    r.forEach((x, i) => {
      expect(x.cosine).toBeCloseTo(expected[i]!, 6);
      expect(x.score).toBe(x.cosine);
    });
  });

  it("keeps the first n and does not depend on the vector's length", () => {
    const a = rankByCosine(HAND, [3, 4, 0, 0], 2);
    const b = rankByCosine(HAND, [30, 40, 0, 0], 2);
    expect(a.map((x) => x.index)).toEqual([2, 1]);
    expect(b.map((x) => x.cosine)).toEqual(a.map((x) => x.cosine));
  });

  it("agrees with a float64 recomputation on a random decoder normalised in the test", () => {
    const u = mulberry32(11);
    const m = 50;
    const d = 16;
    const raw = Array.from({ length: m }, () => Array.from({ length: d }, () => u() * 2 - 1));
    const unit = raw.map((row) => {
      const n = Math.hypot(...row);
      return row.map((x) => x / n);
    });
    const dec = { rows: Float32Array.from(unit.flat()), dSae: m, dModel: d };
    const v = Array.from({ length: d }, () => u() * 2 - 1);
    const expected = raw
      .map((row, index) => ({
        index,
        cos: row.reduce((s, x, j) => s + x * v[j]!, 0) / (Math.hypot(...row) * Math.hypot(...v)),
      }))
      .sort((a, b) => b.cos - a.cos)
      .slice(0, 10);
    const got = rankByCosine(dec, v, 10);
    expect(got.map((x) => x.index)).toEqual(expected.map((x) => x.index));
    got.forEach((x, i) => expect(x.cosine).toBeCloseTo(expected[i]!.cos, 6));
  });

  it("attaches the label text, concept, AUROC and the top five words", () => {
    const [top, second, third] = rankByCosine(HAND, [3, 4, 0, 0], 3, { labels: LABELS });
    expect(top).toMatchObject({
      index: 2,
      label: "fruit (AUROC 0.95): mango, pear",
      concept: "fruit",
      auroc: 0.95,
      topWords: ["mango", "pear", "plum", "kiwi", "lime"],
    });
    expect(second).toMatchObject({ index: 1, label: "the", topWords: ["the"] });
    expect(second!.concept).toBeUndefined();
    expect(third!.label).toBeUndefined();
    expect(third!.topWords).toEqual([]);
  });

  it("rejects a vector of the wrong length, a zero vector, a bad n and unknown options", () => {
    expect(() => rankByCosine(HAND, [1, 2, 3], 2)).toThrow(InterpretInputError);
    expect(() => rankByCosine(HAND, [0, 0, 0, 0], 2)).toThrow(/vector: is zero/);
    expect(() => rankByCosine(HAND, [1, 0, 0, NaN], 2)).toThrow(/vector\[3\]/);
    expect(() => rankByCosine(HAND, [1, 0, 0, 0], 0)).toThrow(/^n: /);
    expect(() => rankByCosine(HAND, [1, 0, 0, 0], 2, { label: LABELS } as never)).toThrow(
      /rankByCosine.label: unknown option/,
    );
  });
});

describe("ranking by code", () => {
  it("orders by z, positive first, lower index first on ties", () => {
    const r = rankByCode([0.1, -2, 0.5, 0.5, 0, 3], 4);
    expect(r.map((x) => [x.index, x.z])).toEqual([
      [5, 3],
      [2, 0.5],
      [3, 0.5],
      [0, 0.1],
    ]);
    expect(r[0]!.score).toBe(3);
  });

  it("leaves out latents whose z is exactly 0 (unselected by the L1 step)", () => {
    const r = rankByCode([0, 2, 0, -1, 0], 4);
    expect(r.map((x) => [x.index, x.z])).toEqual([
      [1, 2],
      [3, -1],
    ]);
    expect(rankByCode([0, 0], 3)).toEqual([]);
  });

  it("attaches labels and rejects an empty or non-finite code", () => {
    const r = rankByCode([0, 0, 4, 1, 0, 0], 1, { labels: LABELS, topWords: 2 });
    expect(r[0]).toMatchObject({ index: 2, concept: "fruit", topWords: ["mango", "pear"] });
    expect(() => rankByCode([], 1)).toThrow(/z: is empty/);
    expect(() => rankByCode([1, Infinity], 1)).toThrow(/z\[1\]/);
  });

  it("refuses labels from an SAE too small for the ranked latents", () => {
    expect(() => attachLabels([{ index: 9, score: 1, topWords: [] }], LABELS)).toThrow(
      /latent 9 is out of range/,
    );
  });
});
