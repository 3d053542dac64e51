/**
 * The LoRA pass of `npm run bench:gpu`: the gradient part of one LoRA training step (the weighted
 * next-token cross-entropy and d loss / d adapters, read back to the host) on the bench's model
 * and batch, with adapters on all seven projections of every layer (rank 8, alpha 16, the
 * organisms' shape; random, std 0.02, seeded), as the trainer calls it (src/model/gpu-lora.ts:
 * LoraParams on the device in, host gradients out). PyTorch's side is torch_llama.py's `lora` op
 * with the same targets and weights and its own random adapters of the same distribution.
 * `loraAgreement` checks the GPU's result against jax-js's valueAndGrad of the trainer's objective
 * (lmLoss ∘ applyLora) on the same device, as test/engine/fast/lora-train.test.ts does on the CPU.
 */
import { np, tree } from "../src/engine/jax.js";
import { valueAndGrad } from "../src/engine/transforms.js";
import type { ModelConfig } from "../src/model/config.js";
import type { FastLoraStep } from "../src/model/fast-lora.js";
import { batchInputs, type HostBatch } from "../src/model/inputs.js";
import {
  applyLora,
  defaultLoraConfig,
  loraDims,
  type LoraConfig,
  type LoraParams,
} from "../src/model/lora.js";
import type { Model } from "../src/model/model.js";
import { mulberry32 } from "../src/random/seeded.js";
import { lmLoss } from "../src/train/lm-loss.js";
import type { TorchLoraInputs } from "./gpu-fast-torch.js";
import { relMaxDiff } from "./setup.js";

export const LORA_RANK = 8;
export const LORA_ALPHA = 16;

/** Next-token targets of the batch, weighted equally over positions whose next token is real. */
export function loraTargets(hb: HostBatch): TorchLoraInputs {
  const { batch: b, seqLen: t, ids, mask } = hb;
  const targets = new Int32Array(b * t);
  const counted: number[] = [];
  for (let i = 0; i < b * t; i++) {
    if (i % t === t - 1 || !mask[i] || !mask[i + 1]) continue;
    targets[i] = ids[i + 1]!;
    counted.push(i);
  }
  const weights = new Float32Array(b * t);
  for (const i of counted) weights[i] = 1 / counted.length;
  return { targets, weights, rank: LORA_RANK, alpha: LORA_ALPHA };
}

/** Adapters on every projection of every layer, normal(0, 0.02) from a seeded generator. */
export function benchLora(cfg: ModelConfig, seed: number): { cfg: LoraConfig; lora: LoraParams } {
  const layers = Array.from({ length: cfg.nLayers }, (_, i) => i);
  const c = defaultLoraConfig(cfg.nLayers, { rank: LORA_RANK, alpha: LORA_ALPHA, layers });
  const u = mulberry32(seed);
  const normal = (n: number) =>
    Float32Array.from({ length: n }, () => {
      const r = Math.sqrt(-2 * Math.log(1 - u()));
      return 0.02 * r * Math.cos(2 * Math.PI * u());
    });
  const lora: LoraParams = { layers: {} };
  for (const l of layers) {
    const mats: LoraParams["layers"][string] = {};
    for (const t of c.targets) {
      const { in: n, out } = loraDims(cfg, t);
      mats[t] = {
        a: np.array(normal(n * c.rank)).reshape([n, c.rank]),
        b: np.array(normal(c.rank * out)).reshape([c.rank, out]),
      };
    }
    lora.layers[String(l)] = mats;
  }
  return { cfg: c, lora };
}

/** |loss diff| and the worst max |diff| / max |grad| over the adapters, against jax-js. */
export async function loraAgreement(
  model: Model,
  adapters: { cfg: LoraConfig; lora: LoraParams },
  tb: { batch: HostBatch; targets: Int32Array; weights: Float32Array },
  gpu: FastLoraStep,
): Promise<{ loss_abs: number; grad_rel: number }> {
  const { batch: b, seqLen: t } = tb.batch;
  const lossOf = (l: LoraParams) =>
    lmLoss(model.config, applyLora(tree.ref(model.params), tree.ref(l), adapters.cfg), {
      inputs: batchInputs(model.config, model.invFreq, tb.batch),
      targets: np.array(tb.targets, { dtype: np.int32 }).reshape([b, t]),
      weights: np.array(tb.weights).reshape([b, t]),
    });
  const [lossJ, gJ] = valueAndGrad(lossOf)(tree.ref(adapters.lora));
  try {
    const loss = (await lossJ.ref.data())[0]!;
    let worst = 0;
    for (const [l, mats] of Object.entries(gJ.layers)) {
      for (const [target, m] of Object.entries(mats)) {
        const got = gpu.grads[l]?.[target as "q"];
        if (!got || !m) throw new Error(`LoRA agreement: no GPU gradient for ${l}.${target}`);
        const a = (await m.a.ref.data()) as Float32Array;
        const bb = (await m.b.ref.data()) as Float32Array;
        worst = Math.max(worst, relMaxDiff(got.a, a), relMaxDiff(got.b, bb));
      }
    }
    return { loss_abs: Math.abs(gpu.loss - loss), grad_rel: worst };
  } finally {
    lossJ.dispose();
    tree.dispose(gJ);
  }
}
