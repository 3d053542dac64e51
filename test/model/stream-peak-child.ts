/**
 * Child process of stream-load.test.ts (run with --expose-gc): loads a model directory through
 * the streamed path and, before every tensor read, runs a full GC and takes the memory held in
 * ArrayBuffers outside the engine (process.memoryUsage().arrayBuffers less the wasm memory, where
 * the device arrays live). Prints the peak above the level before loading, as JSON.
 */
import * as source from "../../src/io/weight-source.js";
import { initEngine } from "../../src/engine/device.js";
import { streamParamsToDevice } from "../../src/model/weights.js";
import { readModelConfig } from "../../src/io/config.js";
import { tree } from "../../src/engine/jax.js";

const dir = process.argv[2]!;
const gc = (globalThis as { gc?: () => void }).gc;
// Every WebAssembly.Memory made from here on (the engine's), to leave the device arrays out.
const wasmMemories: WebAssembly.Memory[] = [];
const NativeMemory = WebAssembly.Memory;
WebAssembly.Memory = function (desc: WebAssembly.MemoryDescriptor) {
  const m = new NativeMemory(desc);
  wasmMemories.push(m);
  return m;
} as unknown as typeof WebAssembly.Memory;
if (!gc) throw new Error("run with --expose-gc");
await initEngine("wasm");
const config = readModelConfig(dir);
const ws = source.openWeightSource(dir);
const wasmBytes = () => {
  let sum = 0;
  for (const m of wasmMemories) sum += m.buffer.byteLength;
  return sum;
};
const outside = () => {
  gc();
  return process.memoryUsage().arrayBuffers - wasmBytes();
};
const base = outside();
let peak = 0;
// HOLD_ALL=1 keeps every tensor read (a non-streamed load), to show the measure sees it.
const held: unknown[] = [];
const stream = {
  entries: ws.entries,
  read(name: string) {
    peak = Math.max(peak, outside() - base);
    const t = ws.read(name);
    // A copy: the loader reuses its arrays once a layer is on the device (io/host-pool.ts).
    if (process.env.HOLD_ALL === "1") held.push(t.data.slice());
    return t;
  },
};
const params = streamParamsToDevice(config, stream, dir);
peak = Math.max(peak, outside() - base);
const afterLoad = outside() - base;
tree.dispose(params);
console.log(
  JSON.stringify({
    peakLiveBytes: peak,
    afterLoad,
    float32Bytes: ws.float32Bytes,
    storedBytes: ws.storedBytes,
  }),
);
