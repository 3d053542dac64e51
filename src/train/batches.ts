/**
 * Length-bucketed batches: examples are grouped by their length rounded up to a multiple of
 * `bucket` (jax-js compiles once per shape), each group is shuffled by a seeded RNG and cut into
 * batches of ⌊tokensPerBatch / length⌋ examples, and the batches are shuffled. Every epoch has the
 * same number of batches (the remainder of each group is left for later epochs, whose shuffles
 * differ), so step s maps to a batch without replaying the epochs before it.
 *
 * Shape legend: B batch, T tokens.
 */
import { leftPad, bucketLength, type HostBatch } from "../model/inputs.js";
import { mulberry32, type Rng } from "../random/seeded.js";

export interface TrainExample {
  ids: readonly number[];
  /** First token index whose prediction counts toward the loss (default 1: all but the first). */
  lossFrom?: number;
}

export interface BatchPlanOptions {
  tokensPerBatch: number;
  /** Lengths are rounded up to a multiple of this (default 16). */
  bucket?: number;
  /** Longest example kept (longer ones are cut to it). */
  maxLen: number;
  /** Largest batch (default 512). */
  maxBatch?: number;
  /** Also batch each group's remainder (validation: every example counts, shapes may vary). */
  keepPartial?: boolean;
  seed: number;
}

export class BatchPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BatchPlanError";
  }
}

function shuffle<T>(xs: T[], rng: Rng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** The batches (example indices) of every epoch, computed on demand. */
export class BatchPlan {
  private readonly groups: { len: number; size: number; members: number[] }[] = [];
  readonly perEpoch: number;
  private cached: { epoch: number; batches: { indices: number[]; seqLen: number }[] } | null = null;

  constructor(
    lengths: readonly number[],
    private readonly o: BatchPlanOptions,
  ) {
    const bucket = o.bucket ?? 16;
    const byLen = new Map<number, number[]>();
    lengths.forEach((n, i) => {
      if (n < 2) return; // nothing to predict
      const len = bucketLength(Math.min(n, o.maxLen), bucket);
      let g = byLen.get(len);
      if (!g) byLen.set(len, (g = []));
      g.push(i);
    });
    const maxBatch = o.maxBatch ?? 512;
    for (const [len, members] of [...byLen].sort((a, b) => a[0] - b[0])) {
      let size = Math.max(1, Math.min(maxBatch, Math.floor(o.tokensPerBatch / len)));
      if (o.keepPartial) size = Math.min(size, members.length);
      if (members.length >= size) this.groups.push({ len, size, members });
    }
    const batchesOf = (g: { size: number; members: number[] }) =>
      o.keepPartial ? Math.ceil(g.members.length / g.size) : Math.floor(g.members.length / g.size);
    this.perEpoch = this.groups.reduce((s, g) => s + batchesOf(g), 0);
    if (this.perEpoch === 0) {
      throw new BatchPlanError(
        `no full batch can be formed from ${lengths.length} examples at ${o.tokensPerBatch} tokens per batch`,
      );
    }
  }

  /** Example indices and padded length of batch `step` (0-based, across epochs). */
  batch(step: number): { indices: number[]; seqLen: number } {
    const epoch = Math.floor(step / this.perEpoch);
    if (this.cached?.epoch !== epoch) this.cached = { epoch, batches: this.epochBatches(epoch) };
    return this.cached.batches[step % this.perEpoch]!;
  }

  private epochBatches(epoch: number): { indices: number[]; seqLen: number }[] {
    const rng = mulberry32((this.o.seed * 1000003 + epoch * 7919) >>> 0);
    const out: { indices: number[]; seqLen: number }[] = [];
    for (const g of this.groups) {
      const order = shuffle([...g.members], rng);
      const end = this.o.keepPartial ? order.length : order.length - g.size + 1;
      for (let k = 0; k < end; k += g.size) {
        out.push({ indices: order.slice(k, k + g.size), seqLen: g.len });
      }
    }
    return shuffle(out, rng);
  }
}

/** A host batch with next-token targets and loss weights (summing to 1 over the batch). */
export interface TrainBatch {
  batch: HostBatch;
  /** [B*T] the token each position predicts (0 where it does not count). */
  targets: Int32Array;
  /** [B*T] weight of each position's loss. */
  weights: Float32Array;
  /** Number of predicted tokens. */
  tokens: number;
}

/** Left-pads the examples to `seqLen` and builds targets and weights. */
export function trainBatch(
  examples: readonly TrainExample[],
  indices: readonly number[],
  seqLen: number,
  padId: number,
): TrainBatch {
  const seqs = indices.map((i) => examples[i]!.ids.slice(0, seqLen));
  const batch = leftPad(seqs, padId, seqLen);
  const t = batch.seqLen;
  const targets = new Int32Array(batch.batch * t);
  const weights = new Float32Array(batch.batch * t);
  let tokens = 0;
  seqs.forEach((s, r) => {
    const pad = batch.pads[r]!;
    const from = Math.max(1, examples[indices[r]!]!.lossFrom ?? 1);
    for (let j = from; j < s.length; j++) {
      const pos = r * t + pad + j - 1; // the position that predicts token j
      targets[pos] = s[j]!;
      weights[pos] = 1;
      tokens++;
    }
  });
  if (tokens === 0) throw new BatchPlanError("batch has no token to predict");
  for (let i = 0; i < weights.length; i++) weights[i]! /= tokens;
  return { batch, targets, weights, tokens };
}
