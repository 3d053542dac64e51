/**
 * What the fast path needs of a model, as plain host data: the Llama-family shape and flags, and
 * the weights as host buffers in the layout of src/model's parameter tree (matrices [in, out] for
 * x @ W). src/engine may not import src/model, so src/model/fast-adapter.ts fills these in from a
 * loaded Model; anything the fast path does not implement is refused here, by name.
 *
 * Shape legend: V vocab, D d_model, H heads, Hkv KV heads, K d_head, F d_mlp.
 */
import type { FastLoraSet } from "./lora.js";
import type { Buf } from "./numerics.js";

/** The families whose decoder the fast path implements. */
export const FAST_FAMILIES = ["llama", "qwen2", "qwen3"] as const;

/** The configuration fields the fast path reads or must see neutral (a ModelConfig fits). */
export interface FastConfig {
  architecture: string;
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  dHead: number;
  dMlp: number;
  normEps: number;
  norm: string;
  activation: string;
  positional: string;
  qkvBias: boolean;
  oBias: boolean;
  mlpBias: boolean;
  qkNorm: boolean;
  embedScale?: number;
  postNorms?: boolean;
  attnScale?: number;
  attnSoftcap?: number;
  finalSoftcap?: number;
  layerTypes?: readonly string[];
}

export interface FastLayer {
  /** [D] */ ln1: Buf;
  /** [D] */ ln2: Buf;
  /** [D, H*K] */ wq: Buf;
  /** [D, Hkv*K] */ wk: Buf;
  /** [D, Hkv*K] */ wv: Buf;
  /** [H*K, D] */ wo: Buf;
  /** qwen2 */ bq?: Buf;
  bk?: Buf;
  bv?: Buf;
  /** [K] qwen3 */ qNorm?: Buf;
  kNorm?: Buf;
  /** [D, F] */ wGate: Buf;
  /** [D, F] */ wUp: Buf;
  /** [F, D] */ wDown: Buf;
  /** Unmerged LoRA adapters on any of the seven projections (lora.ts). */ lora?: FastLoraSet;
}

export interface FastWeights {
  /** [V, D] */ embed: Buf;
  layers: FastLayer[];
  /** [D] */ lnFinal: Buf;
  /** [D, V]; absent when tied to `embed`. */ unembed?: Buf;
}

export interface FastModel {
  config: FastConfig;
  weights: FastWeights;
}

export class FastUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FastUnsupportedError";
  }
}

/** Why the fast path cannot run this configuration, or null when it can. */
export function fastUnsupportedReason(c: FastConfig): string | null {
  if (!(FAST_FAMILIES as readonly string[]).includes(c.architecture)) {
    return `architecture '${c.architecture}' is not implemented (only ${FAST_FAMILIES.join(", ")})`;
  }
  const checks: [boolean, string][] = [
    [c.norm !== "rms", `norm '${c.norm}'`],
    [c.activation !== "silu", `activation '${c.activation}'`],
    [c.positional !== "rope", `positional '${c.positional}'`],
    [c.oBias, "an o_proj bias"],
    [c.mlpBias, "MLP biases"],
    [c.embedScale !== undefined && c.embedScale !== 1, "a scaled embedding"],
    [c.postNorms === true, "post-norms"],
    [c.attnScale !== undefined && c.attnScale !== 1 / Math.sqrt(c.dHead), "an attention scale"],
    [c.attnSoftcap !== undefined, "an attention soft cap"],
    [c.finalSoftcap !== undefined, "a final soft cap"],
    [c.layerTypes?.includes("sliding") === true, "sliding-window layers"],
    [c.nHeads % c.nKvHeads !== 0, "heads not a multiple of KV heads"],
  ];
  const bad = checks.filter(([b]) => b).map(([, what]) => what);
  return bad.length ? `${c.architecture} with ${bad.join(", ")} is not implemented` : null;
}

/** Throws FastUnsupportedError naming what the fast path lacks. */
export function assertFastSupported(c: FastConfig): void {
  const why = fastUnsupportedReason(c);
  if (why) throw new FastUnsupportedError(`fast engine: ${why}; use the jax engine`);
}
