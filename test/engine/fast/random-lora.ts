/** Random nonzero LoRA adapters for the fast paths' gradient tests. */
import { np, tree } from "../../../src/engine/jax.js";
import {
  defaultLoraConfig,
  initLora,
  loraDims,
  type LoraConfig,
  type LoraParams,
} from "../../../src/model/lora.js";
import type { Model } from "../../../src/model/model.js";
import { randomArray } from "./gradcheck.js";

/** Random nonzero adapters in the device layout (B = 0 would leave d a = 0). */
export function randomLora(model: Model, c: LoraConfig, seed: number): LoraParams {
  const fresh = initLora(model.config, c, seed);
  tree.dispose(fresh);
  const layers: LoraParams["layers"] = {};
  for (const l of c.layers) {
    layers[String(l)] = {};
    c.targets.forEach((t, i) => {
      const { in: n, out } = loraDims(model.config, t);
      const a = Float32Array.from(randomArray(n * c.rank, seed + 100 * l + i, 0.3));
      const b = Float32Array.from(randomArray(c.rank * out, seed + 100 * l + i + 50, 0.3));
      layers[String(l)]![t] = {
        a: np.array(a).reshape([n, c.rank]),
        b: np.array(b).reshape([c.rank, out]),
      };
    });
  }
  return { layers };
}

/** The fixtures' LoRA tests' adapter shape: rank 4, alpha 12, every projection of every layer. */
export function allLayersLoraConfig(nLayers: number): LoraConfig {
  return defaultLoraConfig(nLayers, {
    rank: 4,
    alpha: 12,
    layers: Array.from({ length: nLayers }, (_, i) => i),
  });
}

/** Three short training examples over a vocabulary of `v` tokens, one counted from token 2. */
export function loraExamples(v: number) {
  return [
    { ids: [1, 5, 9, 3, 7, 2, 11].map((x) => x % v) },
    { ids: [4, 8, 6, 10].map((x) => x % v), lossFrom: 2 },
    { ids: [12, 3, 5, 7, 9].map((x) => x % v) },
  ];
}
