/**
 * Child process of load-peak.test.ts (run with --expose-gc): writes nothing, loads the sharded
 * checkpoint in argv[2] through the streamed WebGPU path (argv[3]: "lazy" for `loadModel`'s
 * synchronous load, "settled" for `loadModelSettled`) and, before every tensor read and after the
 * load, takes with a full GC
 *  - host: what JS holds in ArrayBuffers and external memory (process.memoryUsage()),
 *  - device: the bytes of the GPU buffers alive (engine/gpu-memory.ts), which on a CPU Vulkan
 *    driver such as lavapipe are host memory too,
 *  - rss.
 * Prints each one's peak above its level before loading, and its level after, as JSON.
 */
import { initEngine } from "../../../src/engine/device.js";
import { gpuMemory } from "../../../src/engine/gpu-memory.js";
import { tree } from "../../../src/engine/jax.js";
import { readModelConfig } from "../../../src/io/config.js";
import * as source from "../../../src/io/weight-source.js";
import { streamParamsToDevice, streamParamsToDeviceSettled } from "../../../src/model/weights.js";

const [dir, mode = "lazy"] = process.argv.slice(2) as [string, string?];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
await initEngine("webgpu");

const levels = () => {
  gc();
  const m = process.memoryUsage();
  return { host: m.arrayBuffers + m.external, device: gpuMemory().liveBytes, rss: m.rss };
};
type Levels = ReturnType<typeof levels>;
const base = levels();
const peak: Levels = { host: 0, device: 0, rss: 0 };
const note = () => {
  const now = levels();
  for (const k of Object.keys(peak) as (keyof Levels)[])
    peak[k] = Math.max(peak[k], now[k] - base[k]);
  return now;
};

const config = readModelConfig(dir);
const ws = source.openWeightSource(dir);
const stream = {
  entries: ws.entries,
  read(name: string) {
    note();
    return ws.read(name);
  },
};
const t0 = performance.now();
const params =
  mode === "settled"
    ? await streamParamsToDeviceSettled(config, stream, dir)
    : streamParamsToDevice(config, stream, dir);
const loadS = (performance.now() - t0) / 1000;
const now = note();
const after = {
  host: now.host - base.host,
  device: now.device - base.device,
  rss: now.rss - base.rss,
};
tree.dispose(params);
console.log(
  JSON.stringify({
    mode,
    loadS,
    peak,
    after,
    float32Bytes: ws.float32Bytes,
    storedBytes: ws.storedBytes,
  }),
);
