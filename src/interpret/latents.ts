/**
 * Latent ranking (docs/methods.md "Common to all"): the top latents of a steering vector by cosine
 * with the SAE's unit decoder rows D̂, and of an SAE-space code z by z itself (largest first,
 * positive before negative; latents with z exactly 0, which an L1 proximal step leaves unselected,
 * are not listed), each with its label from a label file when one is given.
 *
 * cosine_i = ⟨d_i, v⟩ / (‖d_i‖ ‖v‖). The rows of a SaeDecoder are unit already; dividing by the
 * row norm again costs nothing and keeps the number a cosine if a caller passes raw rows.
 * Ties keep the lower index first (a stable order).
 *
 * Shape legend: D d_model, M d_sae.
 */
import type { SaeDecoder } from "../sae/decoder-space.js";
import type { LabelFile, LatentRecord } from "../sae/labels.js";
import { InterpretInputError, positiveInt, rejectUnknownKeys } from "./errors.js";

export interface RankedLatent {
  index: number;
  /**
   * What the list is ordered by: the cosine (rankByCosine), z (rankByCode), or a method's own
   * score (SAE-Attribution's s_i).
   */
  score: number;
  cosine?: number;
  z?: number;
  label?: string;
  /** The lexicon concept that best predicts the latent, and its AUROC (label file). */
  concept?: string;
  auroc?: number;
  /** A free-text explanation of the latent (label file), for sentence-concepts.ts. */
  explanation?: string;
  /** The latent's top words (at most `topWords` of them, from the label file). */
  topWords: string[];
}

export interface RankOptions {
  /** Labels to attach (label text, concept, AUROC, top words). */
  labels?: LabelFile;
  /** How many top words to attach (default 5). */
  topWords?: number;
}

const RANK_KEYS = ["labels", "topWords"] as const;

function checkFinite(option: string, xs: ArrayLike<number>): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]!)) {
      throw new InterpretInputError(`${option}[${i}]`, `not a finite number (${xs[i]})`);
    }
  }
}

/** Indices 0..M-1 ordered by score descending (lower index first on ties), the first n. */
function topIndices(scores: ArrayLike<number>, n: number): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx.slice(0, n);
}

/** Latents by cosine of their unit decoder row with `vector`, largest first; the first n. */
export function rankByCosine(
  dec: SaeDecoder,
  vector: ArrayLike<number>,
  n: number,
  o: RankOptions = {},
): RankedLatent[] {
  rejectUnknownKeys("rankByCosine", o, RANK_KEYS);
  positiveInt("n", n, 1);
  if (dec.rows.length !== dec.dSae * dec.dModel) {
    throw new InterpretInputError(
      "dec.rows",
      `has ${dec.rows.length} values, expected dSae·dModel = ${dec.dSae}·${dec.dModel}`,
    );
  }
  if (vector.length !== dec.dModel) {
    throw new InterpretInputError(
      "vector",
      `has ${vector.length} values, expected d_model = ${dec.dModel}`,
    );
  }
  checkFinite("vector", vector);
  let vv = 0;
  for (let j = 0; j < dec.dModel; j++) vv += vector[j]! * vector[j]!;
  if (vv === 0) throw new InterpretInputError("vector", "is zero (its cosines are undefined)");
  const vNorm = Math.sqrt(vv);
  const cos = new Float64Array(dec.dSae);
  for (let i = 0; i < dec.dSae; i++) {
    const row = i * dec.dModel;
    let dot = 0;
    let rr = 0;
    for (let j = 0; j < dec.dModel; j++) {
      const r = dec.rows[row + j]!;
      dot += r * vector[j]!;
      rr += r * r;
    }
    cos[i] = rr === 0 ? 0 : dot / (Math.sqrt(rr) * vNorm);
  }
  const ranked = topIndices(cos, n).map((index) => ({
    index,
    score: cos[index]!,
    cosine: cos[index]!,
    topWords: [],
  }));
  return o.labels ? attachLabels(ranked, o.labels, o.topWords) : ranked;
}

/** Latents by their code value z_i, largest first, zeros left out; the first n. */
export function rankByCode(z: ArrayLike<number>, n: number, o: RankOptions = {}): RankedLatent[] {
  rejectUnknownKeys("rankByCode", o, RANK_KEYS);
  positiveInt("n", n, 1);
  if (z.length === 0) throw new InterpretInputError("z", "is empty");
  checkFinite("z", z);
  const ranked = topIndices(z, z.length)
    .filter((index) => z[index] !== 0)
    .slice(0, n)
    .map((index) => ({
      index,
      score: z[index]!,
      z: z[index]!,
      topWords: [],
    }));
  return o.labels ? attachLabels(ranked, o.labels, o.topWords) : ranked;
}

/**
 * Copies of the ranked latents with the label file's label text, concept, AUROC, explanation and
 * top words (by the file's order, at most `topWords`, default 5). Latents the file lacks keep no
 * label.
 */
export function attachLabels(
  ranked: readonly RankedLatent[],
  labels: LabelFile,
  topWords = 5,
): RankedLatent[] {
  positiveInt("topWords", topWords, 5);
  if (!Array.isArray(labels?.latents)) {
    throw new InterpretInputError("labels.latents", "must be a list (a parsed label file)");
  }
  const byIndex = new Map<number, LatentRecord>();
  for (const r of labels.latents) byIndex.set(r.index, r);
  if (labels.sae?.dSae !== undefined) {
    const bad = ranked.find((r) => r.index >= labels.sae.dSae);
    if (bad) {
      throw new InterpretInputError(
        "labels",
        `latent ${bad.index} is out of range for the label file's d_sae ${labels.sae.dSae}`,
      );
    }
  }
  return ranked.map((r) => {
    const rec = byIndex.get(r.index);
    if (!rec) return { ...r, topWords: [...r.topWords] };
    return {
      ...r,
      label: rec.label,
      ...(rec.concept !== undefined ? { concept: rec.concept } : {}),
      ...(rec.auroc !== undefined ? { auroc: rec.auroc } : {}),
      ...(rec.explanation !== undefined ? { explanation: rec.explanation } : {}),
      topWords: rec.topWords.slice(0, topWords).map((w) => w.word),
    };
  });
}
