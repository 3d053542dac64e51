/**
 * Merging a PEFT LoRA adapter into base weights on the host: W' = W + scale·B·A per adapted
 * projection, W [out, in] in nn.Linear layout (HF names), A [r, in], B [out, r]. The sum over r is
 * taken in float64 and the result rounded once to float32.
 */
import { baseWeightName, type PeftAdapter } from "../io/peft.js";
import type { ModelConfig } from "./config.js";
import { LoraError, loraDims, type LoraTarget } from "./lora.js";
import type { HostTensor } from "./params.js";

/**
 * Returns the base tensors with every adapted weight replaced by its merged copy (the others are
 * shared, not copied; `baseTensors` is not modified). Throws LoraError on a missing or mis-shaped
 * base weight.
 */
export function mergeLoraHost(
  cfg: ModelConfig,
  baseTensors: ReadonlyMap<string, HostTensor>,
  adapter: PeftAdapter,
): Map<string, HostTensor> {
  const out = new Map(baseTensors);
  const r = adapter.config.rank;
  for (const [key, mats] of Object.entries(adapter.tensors)) {
    const layer = Number(key);
    for (const [t, m] of Object.entries(mats) as [
      LoraTarget,
      NonNullable<(typeof mats)[LoraTarget]>,
    ][]) {
      const name = baseWeightName(layer, t);
      const w = baseTensors.get(name);
      const { in: n, out: o } = loraDims(cfg, t);
      if (!w || w.shape[0] !== o || w.shape[1] !== n) {
        const got = w ? `is [${w.shape.join(",")}]` : "is missing";
        throw new LoraError(
          `layers.${key}.${t}`,
          `base weight ${name} ${got}; expected [${o},${n}]`,
        );
      }
      if (m.a.shape[0] !== r || m.a.shape[1] !== n || m.b.shape[0] !== o || m.b.shape[1] !== r) {
        throw new LoraError(
          `layers.${key}.${t}`,
          `A is [${m.a.shape.join(",")}] and B [${m.b.shape.join(",")}]; expected [${r},${n}] and [${o},${r}]`,
        );
      }
      out.set(name, {
        shape: [o, n],
        data: mergeOne(w.data, m.a.data, m.b.data, { out: o, n, r }, adapter.scale),
      });
    }
  }
  return out;
}

/** W + scale·B·A for W [out,n], A [r,n], B [out,r] (row-major), summed in float64 per row. */
function mergeOne(
  w: Float32Array,
  a: Float32Array,
  b: Float32Array,
  dims: { out: number; n: number; r: number },
  scale: number,
): Float32Array {
  const { out, n, r } = dims;
  const merged = new Float32Array(out * n);
  const row = new Float64Array(n);
  for (let i = 0; i < out; i++) {
    row.fill(0);
    for (let k = 0; k < r; k++) {
      const s = scale * b[i * r + k]!;
      if (s === 0) continue;
      const base = k * n;
      for (let j = 0; j < n; j++) row[j]! += s * a[base + j]!;
    }
    const wb = i * n;
    for (let j = 0; j < n; j++) merged[wb + j] = w[wb + j]! + row[j]!;
  }
  return merged;
}
