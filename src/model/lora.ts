/**
 * LoRA adapters on the Llama projections (PEFT semantics): W' = W + scale·B·A with A [r, in] and
 * B [out, r] in nn.Linear layout, scale = alpha / r (alpha / √r with rsLoRA). On the device the
 * matrices are stored for `x @ a @ b`: a = Aᵀ [in, r], b = Bᵀ [r, out]. B starts at zero and A
 * kaiming-uniform (PEFT's `init_lora_weights=True`: U(−1/√in, 1/√in)), so a fresh adapter is the
 * identity. `applyLora` puts the unmerged adapters on LayerParams.lora, which the forward honours
 * at every projection; src/model/lora-merge.ts merges them into the weights on the host.
 *
 * Shape legend: D d_model, H heads, Hkv KV heads, K d_head, F d_mlp, r rank.
 */
import { np } from "../engine/jax.js";
import { dims } from "../engine/shapes.js";
import { mulberry32 } from "../random/seeded.js";
import type { ModelConfig } from "./config.js";
import type { HostTensor, LayerParams, LoraTarget, ModelParams } from "./params.js";
import { transposeHost } from "./params.js";

export type { LoraTarget } from "./params.js";

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

export type LoraMatrix = { /** [in, r] (x @ a) */ a: np.Array; /** [r, out] */ b: np.Array };
export type LoraParams = {
  /** Key: the layer index as a string. */
  layers: Record<string, Partial<Record<LoraTarget, LoraMatrix>>>;
};

/** Host matrices in PEFT (nn.Linear) layout: A [r, in] (lora_A.weight), B [out, r] (lora_B.weight). */
export type LoraHostMatrix = { a: HostTensor; b: HostTensor };
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

const WEIGHT_KEY: Record<LoraTarget, "wq" | "wk" | "wv" | "wo" | "wGate" | "wUp" | "wDown"> = {
  q: "wq",
  k: "wk",
  v: "wv",
  o: "wo",
  gate: "wGate",
  up: "wUp",
  down: "wDown",
};

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

/**
 * Fresh adapters: A ~ U(−1/√in, 1/√in) (kaiming-uniform with a = √5, as PEFT), B = 0. Draws
 * from one mulberry32 stream per seed, in layer order then canonical target order, A row-major in
 * PEFT layout [r, in], so the same seed gives the same A whatever the device.
 */
export function initLora(cfg: ModelConfig, lora: LoraConfig, seed: number): LoraParams {
  checkLoraConfig(lora, cfg.nLayers);
  const uniform = mulberry32(seed);
  const r = lora.rank;
  const host: LoraHostTensors = {};
  for (const l of [...lora.layers].sort((x, y) => x - y)) {
    const layer: Partial<Record<LoraTarget, LoraHostMatrix>> = {};
    for (const t of LORA_TARGETS.filter((x) => lora.targets.includes(x))) {
      const { in: n, out } = loraDims(cfg, t);
      const bound = 1 / Math.sqrt(n);
      const a = new Float32Array(r * n).map(() => (2 * uniform() - 1) * bound);
      layer[t] = {
        a: { shape: [r, n], data: a },
        b: { shape: [out, r], data: new Float32Array(out * r) },
      };
    }
    host[String(l)] = layer;
  }
  return loraFromHost(host);
}

/**
 * The parameter tree with the adapters attached unmerged (LayerParams.lora, b times the scale),
 * for use inside a jitted or differentiated function: gradients reach `a` and `b`. Consumes
 * `lora` (each b becomes b·scale) and shares the arrays of `params`: the result owns them all,
 * so dispose the result, not the inputs. Throws LoraError, before touching any array, for layers
 * or targets outside `loraCfg` and for matrices that do not fit the weights.
 */
export function applyLora(params: ModelParams, lora: LoraParams, loraCfg: LoraConfig): ModelParams {
  const scale = loraScale(loraCfg);
  const layers = params.layers.slice();
  for (const [key, mats] of Object.entries(lora.layers)) {
    const l = Number(key);
    if (!loraCfg.layers.includes(l) || layers[l] === undefined) {
      throw new LoraError("layers", `adapters for layer ${key}, which the config does not adapt`);
    }
    const base = layers[l]!;
    const attached: NonNullable<LayerParams["lora"]> = { ...base.lora };
    for (const [t, m] of Object.entries(mats) as [LoraTarget, LoraMatrix][]) {
      if (!loraCfg.targets.includes(t)) {
        throw new LoraError("targets", `layer ${key} has an adapter on '${t}', not a target`);
      }
      const w = base[WEIGHT_KEY[t]];
      if (!w) throw new LoraError("targets", `layer ${key} has no '${t}' projection`);
      const [n, out] = dims(w, 2, `layer ${key} ${t} weight`);
      const want = `a [${n},${loraCfg.rank}] and b [${loraCfg.rank},${out}]`;
      const okA = m.a.shape.length === 2 && m.a.shape[0] === n && m.a.shape[1] === loraCfg.rank;
      const okB = m.b.shape.length === 2 && m.b.shape[0] === loraCfg.rank && m.b.shape[1] === out;
      if (!okA || !okB) {
        throw new LoraError(
          `layers.${key}.${t}`,
          `a is [${m.a.shape.join(",")}] and b [${m.b.shape.join(",")}]; expected ${want}`,
        );
      }
      attached[t] = { a: m.a, b: m.b };
    }
    layers[l] = { ...base, lora: attached };
  }
  // Scale only once everything is checked, so a refused tree leaves `lora` as it was.
  for (const [key, mats] of Object.entries(lora.layers)) {
    const attached = layers[Number(key)]!.lora!;
    for (const t of Object.keys(mats) as LoraTarget[]) {
      const d = attached[t]!;
      if (scale !== 1) attached[t] = { a: d.a, b: d.b.mul(scale) };
    }
  }
  return { ...params, layers };
}

/** Reads the adapters back to the host in PEFT layout (A [r, in], B [out, r]). Borrows `params`. */
export async function loraToHost(params: LoraParams): Promise<LoraHostTensors> {
  const out: LoraHostTensors = {};
  for (const [key, mats] of Object.entries(params.layers)) {
    const layer: Partial<Record<LoraTarget, LoraHostMatrix>> = {};
    for (const [t, m] of Object.entries(mats) as [LoraTarget, LoraMatrix][]) {
      layer[t] = { a: transposeHost(await readHost(m.a)), b: transposeHost(await readHost(m.b)) };
    }
    out[key] = layer;
  }
  return out;
}

async function readHost(x: np.Array): Promise<HostTensor> {
  const shape = x.shape.slice();
  const data = await x.ref.data();
  return {
    shape,
    data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>),
  };
}

/** Moves host adapters (PEFT layout) to the device as LoraParams (a = Aᵀ, b = Bᵀ). */
export function loraFromHost(tensors: LoraHostTensors): LoraParams {
  const toDevice = (t: HostTensor): np.Array => {
    const h = transposeHost(t);
    return np.array(h.data).reshape(h.shape);
  };
  const layers: LoraParams["layers"] = {};
  for (const [key, mats] of Object.entries(tensors)) {
    const layer: Partial<Record<LoraTarget, LoraMatrix>> = {};
    for (const [t, m] of Object.entries(mats) as [LoraTarget, LoraHostMatrix][]) {
      layer[t] = { a: toDevice(m.a), b: toDevice(m.b) };
    }
    layers[key] = layer;
  }
  return { layers };
}
