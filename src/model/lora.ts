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
import {
  LORA_TARGETS,
  LoraError,
  loraDims,
  loraScale,
  checkLoraConfig,
  type LoraConfig,
  type LoraHostMatrix,
  type LoraHostTensors,
  type LoraTarget,
} from "../io/lora-config.js";
import type { ModelConfig } from "./config.js";
import type { HostTensor, LayerParams, ModelParams } from "./params.js";
import { transposeHost } from "./params.js";

// The pure configuration lives in io/ (the PEFT reader needs it); the model's users take it here.
export {
  LORA_TARGETS,
  LoraError,
  checkLoraConfig,
  defaultLoraConfig,
  isLoraTarget,
  loraDims,
  loraScale,
  type LoraConfig,
  type LoraHostMatrix,
  type LoraHostTensors,
  type LoraTarget,
} from "../io/lora-config.js";

export type LoraMatrix = { /** [in, r] (x @ a) */ a: np.Array; /** [r, out] */ b: np.Array };
export type LoraParams = {
  /** Key: the layer index as a string. */
  layers: Record<string, Partial<Record<LoraTarget, LoraMatrix>>>;
};

const WEIGHT_KEY: Record<LoraTarget, "wq" | "wk" | "wv" | "wo" | "wGate" | "wUp" | "wDown"> = {
  q: "wq",
  k: "wk",
  v: "wv",
  o: "wo",
  gate: "wGate",
  up: "wUp",
  down: "wDown",
};

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
