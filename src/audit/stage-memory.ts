/**
 * On WebGPU, each stage's peak of GPU buffers, logged when it ends with the buffer sizes that held
 * it (src/engine/gpu-memory.ts), so a run at 8B size says which stage needs the memory and in what.
 * Elsewhere the stage just runs.
 */
import { currentDevice } from "../engine/device.js";
import { describeGpuMemory, resetGpuMemoryPeak } from "../engine/gpu-memory.js";

export async function withStageMemory<T>(
  log: (line: string) => void,
  stage: string,
  run: () => Promise<T>,
): Promise<T> {
  if (currentDevice() !== "webgpu") return run();
  resetGpuMemoryPeak();
  const result = await run();
  log(`${stage}: GPU buffers ${describeGpuMemory()}`);
  return result;
}
