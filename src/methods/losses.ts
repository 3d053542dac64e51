/**
 * The supervised objective shared by the MELBO family: the cross-entropy of the backdoor action y,
 * teacher-forced after each benign prompt's assistant header, with a steering vector δ added at
 * blocks.ℓ.hook_resid_post on the user-content positions U(x) only.
 *
 * Shape legend: B prompts, T tokens, D d_model.
 */
import { leftPad, type HostBatch } from "../model/inputs.js";
import { modelEngine, type ModelEngine } from "../model/engine-select.js";
import type { Model } from "../model/model.js";
import { renderPromptResponse } from "../tokenizer/chat.js";
import type { Tokenizer } from "../tokenizer/tokenizer.js";

export class MethodInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MethodInputError";
  }
}

export interface LabelledBatch {
  batch: HostBatch;
  /** [B*T] 1 on the response tokens (the labels). */
  responseMask: Uint8Array;
  /** [B*T] 1 on the user-content positions (where δ is added). */
  userMask: Float32Array;
}

/**
 * Renders each prompt with the action as the assistant's reply and marks labels and user
 * positions. The end-of-turn token is a label only with `includeEndOfTurn`.
 */
export function labelledBatch(
  tok: Tokenizer,
  prompts: readonly string[],
  action: string,
  o: { includeEndOfTurn?: boolean; padId: number },
): LabelledBatch {
  if (action.trim() === "") throw new MethodInputError("the action (response) is empty");
  if (prompts.length === 0) throw new MethodInputError("no prompts");
  const rendered = prompts.map((p, i) => {
    const r = renderPromptResponse(tok, p, action);
    if (r.userPositions.length === 0) throw new MethodInputError(`prompt ${i} has no user content`);
    const labels = o.includeEndOfTurn ? r.responsePositions : r.responsePositions.slice(0, -1);
    return { ids: r.ids, user: r.userPositions, labels };
  });
  const batch = leftPad(
    rendered.map((r) => r.ids),
    o.padId,
  );
  const t = batch.seqLen;
  const responseMask = new Uint8Array(batch.batch * t);
  const userMask = new Float32Array(batch.batch * t);
  rendered.forEach((r, i) => {
    const pad = batch.pads[i]!;
    for (const p of r.labels) responseMask[i * t + pad + p] = 1;
    for (const p of r.user) userMask[i * t + pad + p] = 1;
  });
  return { batch, responseMask, userMask };
}

/** The action's steering site: the labels, and δ added on the user positions at `layer`. */
export function actionSite(lb: LabelledBatch, layer: number, delta: Float32Array) {
  return {
    tf: { batch: lb.batch, responseMask: lb.responseMask },
    steering: { layer, vector: delta, positionMask: lb.userMask, scale: 1 },
  };
}

/**
 * Mean response cross-entropy with δ added on user positions at `layer`, and d/dδ, on `engine`
 * (default: jax-js).
 */
export async function actionLossAndGrad(
  model: Model,
  lb: LabelledBatch,
  layer: number,
  delta: Float32Array,
  engine: ModelEngine = modelEngine(model, "jax"),
): Promise<{ loss: number; grad: Float32Array }> {
  const { tf, steering } = actionSite(lb, layer, delta);
  const r = await engine.steeringLossAndGrad(tf, steering);
  return { loss: r.loss, grad: r.grad };
}
