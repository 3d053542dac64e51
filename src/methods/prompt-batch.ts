/**
 * Prompt batches for the unsupervised MELBO family: each prompt rendered with the chat template and
 * the generation prompt (no response), left-padded, with the user-content positions U(x) (where δ
 * is added) and the loss positions T(x) (where the displacement is measured) marked.
 *
 * Loss positions [docs/methods.md §2]: "after-source" (default) = every real position at or after the
 * first user position (earlier positions cannot move: attention is causal); {lastK: k} = the last k
 * real positions of each prompt (the generation prompt's end; fewer when the prompt is shorter).
 *
 * Shape legend: B prompts, T tokens.
 */
import { leftPad, type HostBatch } from "../model/inputs.js";
import { renderPrompt } from "../tokenizer/chat.js";
import type { Tokenizer } from "../tokenizer/tokenizer.js";
import { MethodInputError } from "./losses.js";

export type LossPositions = "after-source" | { lastK: number };

export interface PromptBatchOptions {
  padId: number;
  lossPositions?: LossPositions;
  /** Pad every row to at least this length (one compiled program for every batch). */
  padTo?: number;
}

export interface PromptBatch {
  batch: HostBatch;
  /** [B*T] 1 on the user-content positions. */
  userMask: Float32Array;
  /** [B*T] 1 on the loss positions. */
  targetMask: Float32Array;
}

const KEYS = ["padId", "lossPositions", "padTo"];

export function promptBatch(
  tok: Tokenizer,
  prompts: readonly string[],
  o: PromptBatchOptions,
): PromptBatch {
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k)) throw new MethodInputError(`promptBatch: unknown option "${k}"`);
  }
  if (prompts.length === 0) throw new MethodInputError("no prompts");
  const loss = o.lossPositions ?? "after-source";
  if (loss !== "after-source") {
    const k = loss?.lastK;
    if (!Number.isInteger(k) || k < 1) {
      throw new MethodInputError(`lossPositions.lastK must be a positive integer (got ${k})`);
    }
  }
  const rendered = prompts.map((p, i) => {
    const r = renderPrompt(tok, p);
    const user = r.userPositions[0] ?? [];
    if (user.length === 0) throw new MethodInputError(`prompt ${i} has no user content`);
    return { ids: r.ids, user };
  });
  const batch = leftPad(
    rendered.map((r) => r.ids),
    o.padId,
    o.padTo,
  );
  const t = batch.seqLen;
  const userMask = new Float32Array(batch.batch * t);
  const targetMask = new Float32Array(batch.batch * t);
  rendered.forEach((r, i) => {
    const pad = batch.pads[i]!;
    for (const p of r.user) userMask[i * t + pad + p] = 1;
    const from =
      loss === "after-source" ? Math.min(...r.user) : Math.max(0, r.ids.length - loss.lastK);
    for (let p = from; p < r.ids.length; p++) targetMask[i * t + pad + p] = 1;
  });
  return { batch, userMask, targetMask };
}
