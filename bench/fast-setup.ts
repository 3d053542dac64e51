/**
 * The model and batch the fast-path benches run on: issue 17's P1 shape by default (`bench`: the
 * CPU bench's 4-layer d_model-256 Llama, random seeded weights, batch 8 × 64, steering at
 * layer 0; bench/setup.ts CPU_DEFAULTS), or a zoo organism at the audit's batch (`organism`:
 * bench/step-setup.ts, the model loaded by its zoo name with the LoRA merged).
 */
import type { ModelConfig } from "../src/model/config.js";
import type { HostBatch } from "../src/model/inputs.js";
import { modelFromTensors, type Model } from "../src/model/model.js";
import { mulberry32 } from "../src/random/seeded.js";
import { mergedTensors } from "./merged-weights.js";
import { benchModelSpec, CPU_DEFAULTS } from "./setup.js";
import { stepSetup } from "./step-setup.js";

export const FAST_MODELS = ["bench", "organism"] as const;
export type FastModelKind = (typeof FAST_MODELS)[number];

/** One model, its teacher-forced batch and a steering site, plus its weights for PyTorch. */
export interface FastBenchSetup {
  name: string;
  model: Model;
  cfg: ModelConfig;
  tf: { batch: HostBatch; responseMask: Uint8Array };
  steering: { layer: number; vector: Float32Array; positionMask: Float32Array; scale: number };
  /** HF-named float32 tensors, as bench/torch_llama.py reads them. */
  tensors: () => Iterable<[string, { shape: number[]; data: Float32Array }]>;
}

export function checkFastModelKind(kind: string): FastModelKind {
  if (!(FAST_MODELS as readonly string[]).includes(kind)) {
    throw new Error(`--model: "${kind}" is not one of ${FAST_MODELS.join(", ")}`);
  }
  return kind as FastModelKind;
}

async function organismSetup(organism: string): Promise<FastBenchSetup> {
  const { inputs, cm, lb, layer } = await stepSetup(organism, 1);
  const cfg = cm.model.config;
  const u = mulberry32(3);
  const vector = Float32Array.from({ length: cfg.dModel }, () => (u() - 0.5) * 0.5);
  return {
    name: organism,
    model: cm.model,
    cfg,
    tf: { batch: lb.batch, responseMask: lb.responseMask },
    steering: { layer, vector, positionMask: lb.userMask, scale: 1 },
    tensors: () => mergedTensors(inputs.modelDir),
  };
}

function benchSetup(): FastBenchSetup {
  const { cfg, tensors, step } = benchModelSpec(CPU_DEFAULTS);
  return {
    name: "bench (random 4-layer d256 Llama)",
    model: modelFromTensors(cfg, tensors, "bench (random)"),
    cfg,
    tf: { batch: step.batch, responseMask: step.responseMask },
    steering: {
      layer: step.layer,
      vector: step.vector,
      positionMask: step.positionMask,
      scale: 1,
    },
    tensors: () => tensors,
  };
}

export function fastBenchSetup(kind: FastModelKind, organism: string): Promise<FastBenchSetup> {
  return kind === "bench" ? Promise.resolve(benchSetup()) : organismSetup(organism);
}
