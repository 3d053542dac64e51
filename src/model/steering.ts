/**
 * Steering: adding a vector (or one per example) to the residual stream at
 * `blocks.ℓ.hook_resid_post`, on the positions a per-example mask selects.
 *
 * Shape legend: B batch, T tokens, D d_model.
 */
import { np } from "../engine/jax.js";
import { assertShape, dims } from "../engine/shapes.js";
import type { ModelConfig } from "./config.js";

export interface Steering {
  layer: number;
  /** [D] (one vector for every example) or [B*D] (one per example). */
  vector: Float32Array;
  /** [B*T] multiplier per position (1 where steered, 0 elsewhere); default: every real token. */
  positionMask?: Float32Array;
  /** Multiplies the vector (default 1). */
  scale?: number;
}

export class SteeringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SteeringError";
  }
}

/** Validates a steering spec against a model and a batch shape. */
export function checkSteering(cfg: ModelConfig, s: Steering, batch: number, seqLen: number): void {
  if (!Number.isInteger(s.layer) || s.layer < 0 || s.layer >= cfg.nLayers) {
    throw new SteeringError(`steering layer ${s.layer} is out of range [0, ${cfg.nLayers})`);
  }
  if (s.vector.length !== cfg.dModel && s.vector.length !== batch * cfg.dModel) {
    throw new SteeringError(
      `steering vector has ${s.vector.length} values; expected d_model = ${cfg.dModel} or batch × d_model = ${batch * cfg.dModel}`,
    );
  }
  if (s.positionMask && s.positionMask.length !== batch * seqLen) {
    throw new SteeringError(
      `steering position mask has ${s.positionMask.length} values; expected ${batch * seqLen}`,
    );
  }
  for (const v of s.vector)
    if (!Number.isFinite(v)) throw new SteeringError("steering vector has a non-finite value");
}

/** Device arrays of a steering spec: vector [1|B, 1, D] (scaled) and mask [B, T, 1]. */
export function steeringArrays(
  cfg: ModelConfig,
  s: Steering,
  batch: number,
  seqLen: number,
  realMask: Uint8Array,
): { vector: np.Array; mask: np.Array } {
  checkSteering(cfg, s, batch, seqLen);
  const scale = s.scale ?? 1;
  const scaled = scale === 1 ? s.vector : s.vector.map((x) => x * scale);
  const rows = s.vector.length === cfg.dModel ? 1 : batch;
  const mask = s.positionMask ?? Float32Array.from(realMask);
  return {
    vector: np.array(scaled).reshape([rows, 1, cfg.dModel]),
    mask: np.array(mask).reshape([batch, seqLen, 1]),
  };
}

/** The hook that adds `vector · mask` to an activation [B,T,D]. Borrows nothing; consumes x. */
export function addSteering(x: np.Array, vector: np.Array, mask: np.Array): np.Array {
  const [b, t, d] = dims(x, 3, "steered activation");
  assertShape(vector, [null, 1, d], "steering vector");
  assertShape(mask, [b, t, 1], "steering mask");
  return x.add(mask.mul(vector));
}
