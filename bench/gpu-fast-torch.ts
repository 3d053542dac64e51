/**
 * The PyTorch side of `npm run bench:gpu`: bench/torch_llama.py (plain torch, float32, TF32 off)
 * on CUDA with the same config and batch as the WebGPU fast path, random weights of the same
 * distribution made on the device from the seed (an 8B-shaped checkpoint is too large to pass
 * through a file), timing the forward (logits read back), the steering step and the gradient part
 * of a LoRA training step (`lora`: adapters on every projection, their gradients read back).
 * Issue 17's P2 target is the fast path's tokens/s over these, measured in the same run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelConfig } from "../src/model/config.js";
import { pythonWithTorch, runTorch } from "./python.js";
import { torchInputs, type StepInputs } from "./setup.js";

/** The LoRA step's batch and adapters (torch_llama.py's `lora` op). */
export interface TorchLoraInputs {
  targets: Int32Array;
  weights: Float32Array;
  rank: number;
  alpha: number;
}

export interface TorchGpuTimes {
  python: string;
  forward_ms: number;
  steering_ms: number;
  lora_ms: number;
  /** torch_llama.py's whole output (versions, device, timings), without the gradient. */
  raw: Record<string, unknown>;
}

/** PyTorch's forward, steering step and LoRA step on CUDA; an error text when it cannot run. */
export function torchOnGpu(
  cfg: ModelConfig,
  step: StepInputs,
  lora: TorchLoraInputs,
  o: { seed: number; runs: number },
): TorchGpuTimes | { error: string } {
  const python = pythonWithTorch(true);
  if (!python) return { error: "no python with torch and CUDA on this machine" };
  const dir = mkdtempSync(join(tmpdir(), "trigscope-bench-gpu-"));
  try {
    const inputs = join(dir, "inputs.json");
    const loraInputs = {
      targets: Array.from(lora.targets),
      weights: Array.from(lora.weights),
      lora: { rank: lora.rank, alpha: lora.alpha },
    };
    writeFileSync(inputs, torchInputs(cfg, step, loraInputs));
    const args = [
      ...["--inputs", inputs, "--random-seed", String(o.seed), "--device", "cuda"],
      ...["--warmup", "3", "--runs", String(o.runs), "--ops", "forward,steer,lora"],
    ];
    let raw: Record<string, unknown>;
    try {
      raw = runTorch(python, args, process.env) as Record<string, unknown>;
    } catch (err) {
      return { error: String(err instanceof Error ? err.message : err).slice(-2000) };
    }
    const ms = (k: string) => (raw[k] as { median_ms: number }).median_ms;
    return {
      python,
      forward_ms: ms("forward"),
      steering_ms: ms("steer"),
      lora_ms: ms("lora"),
      raw: { ...raw, grad: undefined },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
