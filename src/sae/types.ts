/**
 * Sparse autoencoders in memory: the normalised config (camelCase; upstream keys live only in the
 * format readers), host weights as Float32Array with shapes, and the typed error every reader
 * throws.
 *
 * Computation (all formats): x' = s·x (− b_dec when applyBDecToInput); pre = x'·W_enc + b_enc;
 * f = act(pre); x̂ = (f·W_dec + b_dec)/s, where act is relu (standard), relu(pre)·[pre > θ]
 * (jumprelu, θ = `threshold` weights, per latent) or relu of the k largest pre-activations (topk).
 */

export type SaeArchitecture = "standard" | "jumprelu" | "topk";
export const SAE_ARCHITECTURES: readonly SaeArchitecture[] = ["standard", "jumprelu", "topk"];

/**
 * - `none`: no scaling (s = 1).
 * - `expected_average_only_in`: SAELens' training-time scaling, folded into the weights when
 *   saved (so s = 1 at inference).
 * - `dataset`: Llama Scope's dataset-wise norm, s = √d_model / average norm of the inputs.
 */
export type SaeNormalization = "none" | "expected_average_only_in" | "dataset";

export type SaeFormat = "saelens" | "llamascope" | "gemmascope";

export interface SaeConfig {
  architecture: SaeArchitecture;
  dIn: number;
  dSae: number;
  /** TransformerLens hook name the SAE reads and writes. */
  hookName: string;
  /** Latents kept per token (topk only). */
  k?: number;
  /** Subtract b_dec from the (scaled) input before encoding. */
  applyBDecToInput: boolean;
  normalizeActivations: SaeNormalization;
  /** s: inputs are multiplied by it before encoding, outputs divided by it after decoding. */
  activationScale: number;
  /**
   * The published scalar threshold (Llama Scope's `jump_relu_threshold`, in units before the
   * ·s), kept for the record; the computation uses the per-latent `threshold` weights.
   */
  threshold?: number;
  modelName?: string;
  format: SaeFormat;
  /** The dtype the weights were stored in (upcast to float32 on load). */
  dtype?: string;
}

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export interface SaeWeights {
  /** [dIn, dSae] */ wEnc: HostTensor;
  /** [dSae, dIn] */ wDec: HostTensor;
  /** [dSae] */ bEnc: HostTensor;
  /** [dIn] */ bDec: HostTensor;
  /** [dSae] jumprelu gate on the pre-activation (already multiplied by s for Llama Scope). */
  threshold?: HostTensor;
}

export interface Sae {
  config: SaeConfig;
  weights: SaeWeights;
  /** Where it was read from (a directory), or a description for SAEs built in memory. */
  source: string;
}

/** A SAE file that is missing, malformed or does not fit: names the file and the field/tensor. */
export class SaeError extends Error {
  readonly file: string;
  /** The upstream config key (dotted when nested) or tensor name; null for the file as a whole. */
  readonly field: string | null;
  readonly reason: string;

  constructor(file: string, field: string | null, reason: string) {
    super(field === null ? `${file}: ${reason}` : `${file}: '${field}': ${reason}`);
    this.name = "SaeError";
    this.file = file;
    this.field = field;
    this.reason = reason;
  }
}
