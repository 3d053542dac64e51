/**
 * Activations streamed from a model at one hook over a corpus, for SAE training: sequences are
 * run in batches, pads and the first token of each sequence (BOS, whose activation is an outlier)
 * are dropped, and rows are mixed in a buffer that is shuffled (seeded) and served half at a time,
 * refilling as it drains, so consecutive minibatches mix many documents.
 *
 * Shape legend: N rows, D d_model.
 */
import { bucketLength, leftPad } from "../model/inputs.js";
import type { Model } from "../model/model.js";
import { runWithCache } from "../model/run.js";
import { mulberry32, type Rng } from "../random/seeded.js";

export interface ActivationSource {
  model: Model;
  hook: string;
  /** Token sequences (each starting with BOS), consumed in order and cycled. */
  sequences: readonly (readonly number[])[];
  padId: number;
  /** Sequences per forward pass (default 32). */
  batch?: number;
}

/** The next `n` activation rows [n, D] from the source (cycling through its sequences). */
export class ActivationStream {
  private next = 0;
  readonly dModel: number;

  constructor(private readonly s: ActivationSource) {
    if (s.sequences.length === 0) throw new Error("ActivationStream: no sequences");
    this.dModel = s.model.config.dModel;
  }

  /** Rows of one forward pass over the next batch of sequences. */
  async pass(): Promise<Float32Array> {
    const b = this.s.batch ?? 32;
    const seqs: (readonly number[])[] = [];
    for (let i = 0; i < b; i++) {
      seqs.push(this.s.sequences[this.next]!);
      this.next = (this.next + 1) % this.s.sequences.length;
    }
    const longest = Math.max(...seqs.map((q) => q.length));
    const batch = leftPad(seqs, this.s.padId, bucketLength(longest, 16));
    const r = await runWithCache(this.s.model, batch, { capture: [this.s.hook], logits: false });
    const acts = r.cache[this.s.hook]!.data; // [B, T, D]
    const d = this.dModel;
    const t = batch.seqLen;
    const keep: number[] = [];
    for (let row = 0; row < batch.batch; row++) {
      const pad = batch.pads[row]!;
      for (let j = pad + 1; j < t; j++) keep.push(row * t + j); // drop pads and BOS
    }
    const out = new Float32Array(keep.length * d);
    keep.forEach((src, i) => out.set(acts.subarray(src * d, src * d + d), i * d));
    return out;
  }
}

/** A shuffling buffer of activation rows. */
export class ActivationBuffer {
  private rows: Float32Array;
  private count = 0;
  private served = 0;
  private readonly rng: Rng;

  private filledOnce = false;

  constructor(
    private readonly stream: ActivationStream,
    private readonly capacity: number,
    seed: number,
    /** Rows held of the capacity while the first fill runs (a progress bar's counts). */
    private readonly onFirstFill?: (rows: number, capacity: number) => void,
  ) {
    this.rows = new Float32Array(capacity * stream.dModel);
    this.rng = mulberry32(seed);
  }

  private async fill(): Promise<void> {
    const d = this.stream.dModel;
    if (!this.filledOnce) this.onFirstFill?.(this.count, this.capacity);
    while (this.count < this.capacity) {
      const chunk = await this.stream.pass();
      const n = Math.min(chunk.length / d, this.capacity - this.count);
      this.rows.set(chunk.subarray(0, n * d), this.count * d);
      this.count += n;
      if (!this.filledOnce) this.onFirstFill?.(this.count, this.capacity);
    }
    this.filledOnce = true;
    // Fisher–Yates over rows.
    const tmp = new Float32Array(d);
    for (let i = this.count - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      tmp.set(this.rows.subarray(i * d, i * d + d));
      this.rows.copyWithin(i * d, j * d, j * d + d);
      this.rows.set(tmp, j * d);
    }
    this.served = 0;
  }

  /** The next minibatch [n, D]. */
  async take(n: number): Promise<Float32Array> {
    const d = this.stream.dModel;
    if (n > this.capacity / 2)
      throw new Error(`minibatch ${n} exceeds half the buffer (${this.capacity})`);
    if (this.count < this.capacity || this.served + n > this.capacity / 2) {
      // Keep the unserved half, drop the served rows, refill and reshuffle.
      const start = this.served;
      this.rows.copyWithin(0, start * d, this.count * d);
      this.count -= start;
      await this.fill();
    }
    const out = this.rows.slice(this.served * d, (this.served + n) * d);
    this.served += n;
    return out;
  }
}
