/**
 * The PyTorch side of `npm run bench:gpu`: bench/torch_llama.py (plain torch, float32, TF32 off)
 * on CUDA with the same config and batch as the WebGPU fast path, random weights of the same
 * distribution made on the device from the seed (an 8B-shaped checkpoint is too large to pass
 * through a file), timing the forward (logits read back) and the steering step. Issue 17's P2
 * target is the fast path's tokens/s over these, measured in the same run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelConfig } from "../src/model/config.js";
import { pythonWithTorch, runTorch } from "./python.js";
import { torchInputs, type StepInputs } from "./setup.js";

export interface TorchGpuTimes {
  python: string;
  forward_ms: number;
  steering_ms: number;
  /** torch_llama.py's whole output (versions, device, timings), without the gradient. */
  raw: Record<string, unknown>;
}

/** PyTorch's forward and steering step on CUDA; an error text when it cannot run. */
export function torchOnGpu(
  cfg: ModelConfig,
  step: StepInputs,
  o: { seed: number; runs: number },
): TorchGpuTimes | { error: string } {
  const python = pythonWithTorch(true);
  if (!python) return { error: "no python with torch and CUDA on this machine" };
  const dir = mkdtempSync(join(tmpdir(), "trigscope-bench-gpu-"));
  try {
    const inputs = join(dir, "inputs.json");
    writeFileSync(inputs, torchInputs(cfg, step));
    const args = [
      ...["--inputs", inputs, "--random-seed", String(o.seed), "--device", "cuda"],
      ...["--warmup", "3", "--runs", String(o.runs), "--ops", "forward,steer"],
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
      raw: { ...raw, grad: undefined },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
