/**
 * What every registered method runs on (the model, its tokenizer, the SAE decoder, the benign
 * prompts, the action) and what it gives back (a latent ranking per iteration, vectors with their
 * loss curves, or a weight-diff run), with the settings it ran with recorded beside the result.
 *
 * Shape legend: D d_model, M d_sae.
 */
import type { ModelEngine } from "../../model/engine-select.js";
import type { Model } from "../../model/model.js";
import type { SaeDecoder } from "../../sae/decoder-space.js";
import type { Tokenizer } from "../../tokenizer/tokenizer.js";
import { norm } from "../orthogonal.js";
import type { WeightDiffRun } from "./weight-diff-result.js";
import type { RecordedSettings } from "./settings.js";

/** The prompts of SAE-Attribution's next pass: a concept named by the first ranking, mentioned. */
export interface Mention {
  name: string;
  prompts: string[];
}

export interface MethodContext {
  model: Model;
  /**
   * Where the model's forwards and steering gradients run (src/model/engine-select.ts); a method
   * whose calls the fast path does not implement records that through `engine.jaxFor`.
   */
  engine: ModelEngine;
  tokenizer: Tokenizer;
  padId: number;
  decoder: SaeDecoder;
  prompts: string[];
  response: string;
  layer: number;
  seed: number;
  onStep?: (vector: number, step: number, loss: number) => void;
  signal?: AbortSignal;
  /**
   * For a second SAE-Attribution pass: the prompts with the first ranking's top concept mentioned
   * (the audit supplies it when it has latent labels), or null when no latent names one.
   */
  mention?: (ranking: AttributionRanking) => Promise<Mention | null>;
}

export type AttributionRanking = { index: number; score: number; cosine: number }[];

export interface AttributionPass {
  addedConcept: string | null;
  loss: number;
  ranking: AttributionRanking;
}

export interface VectorRun {
  /** Steering vector δ [D] (decoded for SAE-space methods). */
  vector: number[];
  /** SAE code z [M] for SAE-space methods (only its non-negligible entries are reported). */
  z?: number[];
  losses: number[];
  finalLoss: number;
  norm: number;
  /** The L1 weight used (the SAE-MELBO methods, where it may be resolved from lambdaScale). */
  lambda?: number;
}

/** A method's result: one of a ranking per pass, vectors, or a weight-diff run. */
export interface MethodResult {
  settings: RecordedSettings;
  /** SAE-Attribution: per pass, latents by score and the words added to the prompts. */
  attribution?: AttributionPass[];
  vectors?: VectorRun[];
  /** weight-diff: the adapter's directions read as latents. */
  weightDiff?: WeightDiffRun;
}

/** The optimisation-loop options every MELBO-family method takes. */
export function loopOptions(ctx: MethodContext, s: { steps: number; lr: number; vectors: number }) {
  return {
    steps: s.steps,
    lr: s.lr,
    vectors: s.vectors,
    seed: ctx.seed,
    ...(ctx.onStep ? { onStep: ctx.onStep } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}

/** λ for the SAE-MELBO methods: `lambda` when set, else `lambdaScale` (relative to the gradient). */
export function l1Weight(s: {
  lambda?: number;
  lambdaScale: number;
}): { lambda: number } | { lambdaScale: number } {
  return s.lambda !== undefined ? { lambda: s.lambda } : { lambdaScale: s.lambdaScale };
}

/** A found vector as the report keeps it (z only for SAE-space methods). */
export function vectorRun(
  f: { vector: Float32Array; losses: number[]; z?: Float32Array; lambda?: number },
  finalLoss: number,
): VectorRun {
  return {
    vector: Array.from(f.vector),
    ...(f.z ? { z: Array.from(f.z) } : {}),
    ...(f.lambda !== undefined ? { lambda: f.lambda } : {}),
    losses: f.losses,
    finalLoss,
    norm: norm(f.vector),
  };
}
