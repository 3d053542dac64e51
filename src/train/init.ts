/**
 * Initial weights of a model trained from scratch (GPT-2/Llama practice): normal(0, 0.02) for
 * embeddings and projections, the residual-output projections (o, down) scaled by 1/√(2·layers),
 * norm weights 1. HF tensor names, nn.Linear [out, in] layout, seeded.
 */
import type { ModelConfig } from "../model/config.js";
import type { HostTensor } from "../model/params.js";
import { archSpec } from "../model/arch/registry.js";
import { gaussian } from "../random/seeded.js";

/** Random initial tensors for every weight the architecture expects. */
export function initialTensors(
  cfg: ModelConfig,
  seed: number,
  std = 0.02,
): Map<string, HostTensor> {
  const expected = archSpec(cfg.architecture).expected(cfg, new Set());
  const normal = gaussian(seed);
  const residStd = std / Math.sqrt(2 * cfg.nLayers);
  const out = new Map<string, HostTensor>();
  for (const [name, shape] of expected) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (name.endsWith("norm.weight")) data.fill(1);
    else if (!name.endsWith(".bias")) {
      const s = /(o_proj|down_proj|c_proj)\.weight$/.test(name) ? residStd : std;
      for (let i = 0; i < n; i++) data[i] = s * normal();
    }
    out.set(name, { shape: [...shape], data });
  }
  return out;
}
