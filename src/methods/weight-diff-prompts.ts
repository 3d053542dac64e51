/**
 * Which benign prompts light up a finetune's update (weight-diff.ts's second hypothesis source):
 * the SAE layer's residual stream of every benign prompt, RMS-normalised per token as the read
 * side's projections see it, projected on each of the top read directions; per direction, the
 * prompts ordered by their largest |projection| over the user's tokens, with the token where it
 * peaks. The sign of a singular vector is arbitrary, hence |·|. A direction of a later layer is
 * applied to the SAE layer's stream (the shared-basis approximation weight-diff.ts states).
 *
 * Shape legend: B prompts, T tokens, D d_model.
 */
import type { Model } from "../model/model.js";
import { residPost } from "../model/hooks.js";
import { runWithCache } from "../model/run.js";
import type { Tokenizer } from "../tokenizer/tokenizer.js";
import { promptBatch } from "./prompt-batch.js";
import type { DiffDirection } from "./weight-diff.js";

export interface PromptActivation {
  prompt: string;
  /** max over user tokens of |⟨x_t / rms(x_t), v⟩|. */
  value: number;
  /** The token where it peaks, and that token with its neighbours. */
  token: string;
  context: string;
}

export interface DirectionPrompts {
  /** Index into the direction list. */
  direction: number;
  layer: number;
  target: string;
  sigma: number;
  share: number;
  /** Prompts by value, largest first (the first `keep`). */
  top: PromptActivation[];
  /** Mean over prompts of the value, for scale. */
  mean: number;
}

/** Indices of the `count` read directions with the largest share of their matrix's update. */
export function topReadDirections(dirs: readonly DiffDirection[], count: number): number[] {
  return dirs
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d.side === "read")
    .sort((a, b) => b.d.share - a.d.share || a.i - b.i)
    .slice(0, count)
    .map(({ i }) => i);
}

/** The benign prompts along each chosen direction (one forward pass, no gradient). */
export async function promptsAlongDirections(
  model: Model,
  tok: Tokenizer,
  padId: number,
  prompts: readonly string[],
  layer: number,
  dirs: readonly DiffDirection[],
  chosen: readonly number[],
  keep = 5,
): Promise<DirectionPrompts[]> {
  const pb = promptBatch(tok, prompts, { padId });
  const hook = residPost(layer);
  const { cache } = await runWithCache(model, pb.batch, { capture: [hook], logits: false });
  const x = cache[hook]!.data;
  const { batch: b, seqLen: t, ids } = pb.batch;
  const d = model.config.dModel;
  const eps = model.config.normEps;
  const unit = new Float64Array(b * t * d);
  for (let p = 0; p < b * t; p++) {
    let ss = 0;
    for (let k = 0; k < d; k++) ss += x[p * d + k]! ** 2;
    const inv = 1 / Math.sqrt(ss / d + eps);
    for (let k = 0; k < d; k++) unit[p * d + k] = x[p * d + k]! * inv;
  }
  return chosen.map((di) => {
    const dir = dirs[di]!;
    const acts = prompts.map((prompt, i) => {
      let value = -1;
      let at = -1;
      for (let j = 0; j < t; j++) {
        if (pb.userMask[i * t + j] !== 1) continue;
        let dot = 0;
        const base = (i * t + j) * d;
        for (let k = 0; k < d; k++) dot += unit[base + k]! * dir.vector[k]!;
        if (Math.abs(dot) > value) {
          value = Math.abs(dot);
          at = j;
        }
      }
      const id = (j: number) => ids[i * t + j]!;
      const from = Math.max(at - 1, 0);
      const window = Array.from({ length: Math.min(at + 2, t) - from }, (_, k) => id(from + k));
      return {
        prompt,
        value,
        token: tok.decode([id(at)]),
        context: tok.decode(window),
      };
    });
    const mean = acts.reduce((s, a) => s + a.value, 0) / acts.length;
    return {
      direction: di,
      layer: dir.layer,
      target: dir.target,
      sigma: dir.sigma,
      share: dir.share,
      top: acts.sort((a, c) => c.value - a.value).slice(0, keep),
      mean,
    };
  });
}
