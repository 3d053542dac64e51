/**
 * Letting the GPU finish what was uploaded before uploading more.
 *
 * jax-js uploads a host array with `queue.writeBuffer`, which copies it into staging memory that
 * Dawn frees only once the GPU has done the copy and the event loop has run. A loader that
 * uploads a whole checkpoint in one synchronous loop therefore holds a second copy of it: loading
 * Llama-3.1-8B on an H200 rose to 59.7 GB before settling at the 30.7 GB of its float32 weights
 * (2026-12-05, bench/results/real-size-audit). Awaiting this after each layer bounds the extra
 * to about one layer. On wasm and cpu there is nothing to wait for.
 */
import { currentDevice } from "./device.js";
import { getWebGPUDevice } from "./jax.js";

/** Resolves when the GPU has finished all work submitted so far (at once off WebGPU). */
export async function settleUploads(): Promise<void> {
  if (currentDevice() !== "webgpu") return;
  await getWebGPUDevice().queue.onSubmittedWorkDone();
}
