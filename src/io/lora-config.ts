/**
 * The pure LoRA configuration (PEFT semantics): targets, rank, alpha, adapted layers, the scale,
 * each target's projection widths, validation and defaults, and the host layout of adapter
 * matrices. No device arrays here, so io/peft.ts can read and write adapters without importing
 * the model; src/model/lora.ts builds and applies the device adapters on top of it.
 */
import type { ModelConfig } from "./model-config.js";

/** The projections LoRA adapts; Llama's module names without `_proj`. */
export type LoraTarget = "q" | "k" | "v" | "o" | "gate" | "up" | "down";

/** Every target, in the canonical order (q, k, v, o, gate, up, down). */
export const LORA_TARGETS: readonly LoraTarget[] = ["q", "k", "v", "o", "gate", "up", "down"];

export interface LoraConfig {
  rank: number;
  alpha: number;
  /** Adapted layer indices. */
  layers: number[];
  targets: LoraTarget[];
  /** rsLoRA scaling alpha / √rank instead of alpha / rank (PEFT `use_rslora`; default false). */
  useRslora?: boolean;
}

/** A host matrix, row-major (the model's HostTensor has the same shape). */
interface HostMatrix {
  shape: number[];
  data: Float32Array;
}

/** Host matrices in PEFT (nn.Linear) layout: A [r, in] (lora_A.weight), B [out, r] (lora_B.weight). */
export type LoraHostMatrix = { a: HostMatrix; b: HostMatrix };
/** Key: the layer index as a string, as in LoraParams. */
export type LoraHostTensors = Record<string, Partial<Record<LoraTarget, LoraHostMatrix>>>;

/** An invalid LoRA configuration or adapter tree; `field` names the offending option. */
export class LoraError extends Error {
  constructor(
    readonly field: string | null,
    readonly reason: string,
  ) {
    super(field === null ? `LoRA: ${reason}` : `LoRA: '${field}': ${reason}`);
    this.name = "LoraError";
  }
}

export function isLoraTarget(x: unknown): x is LoraTarget {
  return typeof x === "string" && (LORA_TARGETS as readonly string[]).includes(x);
}

/** The factor multiplying B·A: alpha / r, or alpha / √r with rsLoRA. */
export function loraScale(c: LoraConfig): number {
  return c.useRslora ? c.alpha / Math.sqrt(c.rank) : c.alpha / c.rank;
}

/** Input and output widths of a target's projection (nn.Linear in_features, out_features). */
export function loraDims(cfg: ModelConfig, target: LoraTarget): { in: number; out: number } {
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f } = cfg;
  if (cfg.architecture === "gpt2") {
    throw new LoraError("targets", "LoRA is supported on llama-family models only, not gpt2");
  }
  switch (target) {
    case "q":
      return { in: d, out: h * k };
    case "k":
    case "v":
      return { in: d, out: hkv * k };
    case "o":
      return { in: h * k, out: d };
    case "gate":
    case "up":
      return { in: d, out: f };
    case "down":
      return { in: f, out: d };
  }
}

const CONFIG_KEYS = new Set(["rank", "alpha", "layers", "targets", "useRslora"]);

/** Validates a LoRA config (against the model's layer count); throws LoraError naming the key. */
export function checkLoraConfig(c: LoraConfig, nLayers: number): void {
  for (const key of Object.keys(c)) {
    if (!CONFIG_KEYS.has(key)) throw new LoraError(key, "unknown option");
  }
  if (!Number.isSafeInteger(c.rank) || c.rank <= 0) {
    throw new LoraError("rank", `must be a positive integer, got ${String(c.rank)}`);
  }
  if (typeof c.alpha !== "number" || !Number.isFinite(c.alpha) || c.alpha <= 0) {
    throw new LoraError("alpha", `must be a positive number, got ${String(c.alpha)}`);
  }
  if (!Array.isArray(c.layers) || c.layers.length === 0) {
    throw new LoraError("layers", "must be a non-empty list of layer indices");
  }
  for (const l of c.layers) {
    if (!Number.isSafeInteger(l) || l < 0 || l >= nLayers) {
      throw new LoraError("layers", `layer ${String(l)} is out of range [0, ${nLayers})`);
    }
  }
  if (new Set(c.layers).size !== c.layers.length) throw new LoraError("layers", "has duplicates");
  if (!Array.isArray(c.targets) || c.targets.length === 0) {
    throw new LoraError("targets", "must be a non-empty list of targets");
  }
  for (const t of c.targets) {
    if (!isLoraTarget(t)) {
      throw new LoraError(
        "targets",
        `unknown target ${JSON.stringify(t)} (${LORA_TARGETS.join(", ")})`,
      );
    }
  }
  if (new Set(c.targets).size !== c.targets.length)
    throw new LoraError("targets", "has duplicates");
  if (c.useRslora !== undefined && typeof c.useRslora !== "boolean") {
    throw new LoraError("useRslora", "must be a boolean");
  }
}

/** Rank 8, alpha 16, the second half of the layers, all seven targets; `over` replaces fields. */
export function defaultLoraConfig(nLayers: number, over: Partial<LoraConfig> = {}): LoraConfig {
  const first = Math.floor(nLayers / 2);
  const c: LoraConfig = {
    rank: 8,
    alpha: 16,
    layers: Array.from({ length: nLayers - first }, (_, i) => first + i),
    targets: [...LORA_TARGETS],
    ...over,
  };
  checkLoraConfig(c, nLayers);
  return c;
}
