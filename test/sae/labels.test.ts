import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/random/seeded.js";
import type { LexiconFile } from "../../src/lexicon/lexicon-file.js";
import { auroc, labelLatents } from "../../src/sae/label-latents.js";
import {
  LabelFileError,
  labelFileToLatentLabels,
  readLabelFile,
  writeLabelFile,
  type LabelFile,
} from "../../src/sae/labels.js";

/** AUROC by definition: over all positive–negative pairs, 1 if the positive scores higher, ½ on
 *  a tie (Mann–Whitney 1947); O(P·Q), the reference for the sparse rank computation. */
function bruteAuroc(scores: number[], pos: boolean[]): number {
  let u = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!pos[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (pos[j]) continue;
      pairs++;
      u += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return u / pairs;
}

describe("auroc", () => {
  it("equals the pairwise count on random data with ties, zeros and negatives", () => {
    const rng = mulberry32(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 50 + Math.floor(rng() * 300);
      const zeroRate = rng();
      // Values quantised to a few levels so ties are frequent, inside and outside the zero block.
      const scores = Array.from({ length: n }, () =>
        rng() < zeroRate ? 0 : Math.round((rng() - 0.2) * 6) / 2,
      );
      const pos = Array.from({ length: n }, () => rng() < 0.3);
      pos[0] = true;
      pos[1] = false;
      expect(Math.abs(auroc(scores, pos) - bruteAuroc(scores, pos))).toBeLessThan(1e-12);
    }
  });
  it("is ½ for a constant score and NaN without negatives", () => {
    expect(auroc([0, 0, 0, 0], [true, false, true, false])).toBe(0.5);
    expect(auroc([1, 1], [true, true])).toBeNaN();
  });
});

const LEXICON: LexiconFile = {
  seed: 0,
  concepts: [
    {
      name: "fruit",
      label: "fruit",
      train: ["mango", "pear", "plum"],
      heldOut: ["pineapple"],
      glosses: {},
    },
    {
      name: "vehicles",
      label: "vehicles",
      train: ["car", "bus", "tram"],
      heldOut: [],
      glosses: {},
    },
  ],
};
const FRUIT = new Set(["mango", "pear", "plum", "pineapple"]);

/** A corpus of fruit, vehicle and filler words; "pineapple" is two tokens, both mapped to it. */
function corpus(n: number, seed: number) {
  const rng = mulberry32(seed);
  const vocab = ["mango", "pear", "plum", "pineapple", "car", "bus", "tram", "the", "and", "is"];
  const tokens: string[] = [];
  const words: (string | null)[] = [];
  while (tokens.length < n) {
    const w = vocab[Math.floor(rng() * vocab.length)]!;
    if (w === "pineapple") {
      tokens.push(" pine", "apple");
      words.push(w, w);
    } else {
      tokens.push(` ${w}`);
      words.push(["the", "and", "is"].includes(w) ? null : w);
    }
  }
  return { tokens, words, rng };
}

describe("labelLatents", () => {
  const dSae = 4;
  const { tokens, words, rng } = corpus(2000, 1);
  const n = tokens.length;
  const dense = new Float32Array(n * dSae);
  for (let t = 0; t < n; t++) {
    const fruit = FRUIT.has(words[t] ?? "");
    // Latent 0 fires on fruit (strongest on mango), faintly on 2% of other tokens.
    if (fruit) dense[t * dSae] = (words[t] === "mango" ? 3 : 1) + rng();
    else if (rng() < 0.02) dense[t * dSae] = 0.05;
    // Latent 1 is dead. Latent 2 fires on "the". Latent 3 fires at random (for the AUROC check).
    if (tokens[t] === " the") dense[t * dSae + 2] = 1 + rng();
    if (rng() < 0.3) dense[t * dSae + 3] = Math.round(rng() * 4);
  }
  const result = labelLatents({
    tokens,
    words,
    activations: dense,
    dSae,
    lexicon: LEXICON,
    topK: 5,
  });

  it("labels a latent planted on fruit tokens 'fruit' with AUROC ≈ 1 and fruit top words", () => {
    const l = result.latents[0]!;
    expect(l.concept).toBe("fruit");
    expect(l.auroc).toBeGreaterThan(0.99);
    expect(l.label).toMatch(/^fruit \(AUROC 1\.00\): mango, /);
    // The four fruit words first; filler words (faint 0.05 activations) can only follow.
    expect(new Set(l.topWords.slice(0, 4).map((w) => w.word))).toEqual(FRUIT);
    for (const w of l.topWords.slice(4)) expect(w.activation).toBeLessThan(0.05);
    expect(l.topWords[0]!.word).toBe("mango");
    expect(l.topContexts[0]!.text).toContain("« mango»");
    expect(result.concepts.find((c) => c.concept === "fruit")).toMatchObject({ latent: 0 });
  });
  it("labels a latent that never fires 'dead'", () => {
    expect(result.latents[1]).toMatchObject({ label: "dead", frequency: 0, topWords: [] });
  });
  it("labels a latent with no concept above 0.7 by its top words only", () => {
    expect(result.latents[2]!.concept).toBeUndefined();
    expect(result.latents[2]!.label).toBe("the");
  });
  it("reports the same AUROC as the pairwise count, over all tokens", () => {
    const scores = Array.from({ length: n }, (_, t) => dense[t * dSae + 3]!);
    const pos = words.map((w) => FRUIT.has(w ?? ""));
    const direct = auroc(scores, pos);
    expect(Math.abs(direct - bruteAuroc(scores, pos))).toBeLessThan(1e-12);
    const l = result.latents[3]!;
    if (l.concept === "fruit") expect(l.auroc).toBeCloseTo(direct, 12);
  });
  it("gives the same labels from the top-k form as from dense activations", () => {
    const k = 3;
    const indices = new Int32Array(n * k);
    const values = new Float32Array(n * k);
    for (let t = 0; t < n; t++) {
      let r = 0;
      for (let j = dSae - 1; j >= 0; j--) {
        const v = dense[t * dSae + j]!;
        if (v !== 0 && r < k) {
          indices[t * k + r] = j;
          values[t * k + r++] = v;
        }
      }
    }
    const sparse = labelLatents({
      tokens,
      words,
      activations: { k, indices, values },
      dSae,
      lexicon: LEXICON,
      topK: 5,
    });
    expect(sparse.latents).toEqual(result.latents);
  });
  it("rejects unknown options and a top-k row listing a latent twice", () => {
    expect(() =>
      labelLatents({ tokens, words, activations: dense, dSae, topk: 3 } as never),
    ).toThrow(/unknown option 'topk'/);
    const bad = { k: 2, indices: new Int32Array([1, 1]), values: new Float32Array([1, 2]) };
    expect(() => labelLatents({ tokens: ["a"], words: [null], activations: bad, dSae: 4 })).toThrow(
      /token 0: latent 1 listed twice/,
    );
  });
});

describe("labelLatents with poolWords", () => {
  // Two-token fruit words ("man|go"): the latent fires on the second piece only. Token-level,
  // the silent first pieces are fruit positives scoring 0; pooled, each word counts once.
  const lexicon: LexiconFile = {
    seed: 0,
    concepts: [
      { name: "fruit", label: "fruit", train: ["mango", "papaya"], heldOut: [], glosses: {} },
      { name: "tools", label: "tools", train: ["hammer"], heldOut: [], glosses: {} },
    ],
  };
  const tokens = ["I", " man", "go", " and", " pap", "aya", " or", " ham", "mer", " mango"];
  const words = [
    null,
    "mango",
    "mango",
    null,
    "papaya",
    "papaya",
    null,
    "hammer",
    "hammer",
    "mango",
  ];
  const fires = [0, 0, 3, 0, 0, 2, 0, 0, 0, 1];
  const run = (poolWords: boolean) =>
    labelLatents({
      tokens,
      words,
      activations: Float32Array.from(fires),
      dSae: 1,
      lexicon,
      poolWords,
      docIds: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    });

  it("scores each word occurrence by its largest activation", () => {
    // Units: I, mango(3), and, papaya(2), or, hammer(0), mango(1, next document): fruit
    // positives {3, 2, 1} against negatives {0, 0, 0, 0}: AUROC 1 (pairwise count).
    expect(run(true).concepts[0]!.auroc).toBe(1);
    expect(run(true).concepts[0]!.positives).toBe(3);
    // Token level: positives {0, 3, 0, 2, 1} vs five zeros: by the pairwise count.
    const pos = words.map((w) => w === "mango" || w === "papaya");
    expect(run(false).concepts[0]!.auroc).toBeCloseTo(bruteAuroc(fires, pos), 12);
    expect(run(false).concepts[0]!.auroc).toBeLessThan(0.85);
  });
});

describe("label file", () => {
  const file: LabelFile = {
    version: 1,
    sae: { hookName: "blocks.2.hook_resid_post", dSae: 8, architecture: "topk" },
    latents: [
      {
        index: 3,
        label: "fruit (AUROC 0.97): mango, pear, plum",
        concept: "fruit",
        auroc: 0.97,
        topWords: [{ word: "mango", activation: 2.5, max: 4 }],
        topContexts: [{ text: "I ate a« mango»", tokenIndex: 17, activation: 4 }],
        frequency: 0.01,
        maxActivation: 4,
      },
      { index: 5, label: "dead", topWords: [], topContexts: [], frequency: 0, maxActivation: 0 },
    ],
  };
  it("round-trips through writeLabelFile and readLabelFile", () => {
    const path = join(mkdtempSync(join(tmpdir(), "labels-")), "labels.json");
    writeLabelFile(path, file);
    expect(readLabelFile(path)).toEqual(file);
    expect(labelFileToLatentLabels(file).get(3)).toEqual([
      {
        index: 3,
        description: file.latents[0]!.label,
        source: "trigscope",
        concept: "fruit",
        auroc: 0.97,
      },
    ]);
  });
  it("names the file and the field of a malformed latent", () => {
    const path = join(mkdtempSync(join(tmpdir(), "labels-")), "bad.json");
    const bad = structuredClone(file) as unknown as { latents: { auroc: unknown }[] };
    bad.latents[0]!.auroc = 1.5;
    writeFileSync(path, JSON.stringify(bad));
    expect(() => readLabelFile(path)).toThrow(LabelFileError);
    expect(() => readLabelFile(path)).toThrow(`${path}: field 'latents[0].auroc'`);
    writeFileSync(path, JSON.stringify({ ...file, version: 2 }));
    expect(() => readLabelFile(path)).toThrow(/field 'version': unsupported version 2/);
  });
  it("refuses to write a latent index outside dSae", () => {
    const path = join(mkdtempSync(join(tmpdir(), "labels-")), "labels.json");
    const bad = structuredClone(file);
    bad.latents[1]!.index = 8;
    expect(() => writeLabelFile(path, bad)).toThrow(/field 'latents\[1\]\.index'/);
  });
});
