/**
 * The recorder's own submits and parameter arenas, its scratch pool and its profiler
 * (src/engine/gpu/recorder.ts, scratch-pool.ts, profile.ts): launches past the submit interval
 * and the arena's size run in order; a pooled
 * buffer comes back zeroed and is the same buffer, a disabled pool or one at its cap keeps
 * nothing, and a steering step gives the same bits with the pool off, on and profiled, while
 * the profiler labels every dispatch by the functions that launched it. Skips without WebGPU.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { gpuRead, gpuUpload, type GpuContext } from "../../../src/engine/gpu/context.js";
import { GpuProfiler } from "../../../src/engine/gpu/profile.js";
import { addInto } from "../../../src/engine/gpu/ops.js";
import { GpuRecorder } from "../../../src/engine/gpu/recorder.js";
import { DEFAULT_POOL_BYTES } from "../../../src/engine/gpu/scratch-pool.js";
import { initEngine } from "../../../src/engine/device.js";
import { prepareGpuSteeringFor } from "../../../src/model/gpu-adapter.js";
import { batchFromMask } from "../../../src/model/inputs.js";
import { modelFromTensors } from "../../../src/model/model.js";
import { randomTensors, tinyConfig } from "../../model/random-model.js";
import { randomArray } from "../fast/gradcheck.js";
import { ctx, gpuSuite, sameBits } from "./gpu-env.js";

/** A scratch tensor of `size` filled with 1…size, released; returns its buffer. */
async function dirtyScratch(c: GpuContext, size: number): Promise<GPUBuffer> {
  const rec = new GpuRecorder(c);
  const t = rec.alloc(size);
  c.device.queue.writeBuffer(
    t.buf,
    0,
    Float32Array.from({ length: size }, (_, i) => i + 1),
  );
  await rec.release();
  return t.buf;
}

describe.skipIf(!ctx)(gpuSuite("gpu recorder scratch pool and profiler"), () => {
  const c = ctx!;
  beforeAll(async () => {
    await initEngine("wasm");
  });
  afterEach(() => {
    c.scratch.enabled = true;
    c.scratch.capBytes = DEFAULT_POOL_BYTES;
    c.scratch.clear();
    c.profiler = null;
  });

  it("hands a released scratch buffer to the next pass of that size, cleared", async () => {
    c.scratch.clear();
    const first = await dirtyScratch(c, 1000);
    expect(c.scratch.heldBytes).toBe(4000);
    const rec = new GpuRecorder(c);
    const again = rec.alloc(1000);
    const other = rec.alloc(999); // 3,996 bytes round up to 4,000: the same size class
    rec.submit();
    expect(again.buf).toBe(first);
    expect(other.buf).not.toBe(first);
    expect(Array.from(await gpuRead(c, again)).every((v) => v === 0)).toBe(true);
    await rec.release();
  });

  it("runs 1,100 launches in order across its own submits and three parameter arenas", async () => {
    const rec = new GpuRecorder(c);
    const x = rec.alloc(300);
    const y = rec.own(
      gpuUpload(
        c,
        Float32Array.from({ length: 300 }, (_, i) => i),
      ),
    );
    for (let j = 0; j < 1100; j++) addInto(rec, x, y, j % 3 === 0 ? 300 : 150);
    rec.submit();
    const got = await gpuRead(c, x);
    await rec.release();
    // Launch j adds y to the first 300 or 150 elements: 367 full launches, 733 half ones.
    expect(got[10]).toBe(10 * 1100);
    expect(got[200]).toBe(200 * 367);
  });

  it("keeps nothing while disabled or beyond its cap", async () => {
    c.scratch.clear();
    c.scratch.enabled = false;
    const a = await dirtyScratch(c, 256);
    expect(c.scratch.heldBytes).toBe(0);
    c.scratch.enabled = true;
    c.scratch.capBytes = 1500;
    await dirtyScratch(c, 256); // 1,024 bytes: kept
    await dirtyScratch(c, 256); // would make 2,048: destroyed
    expect(c.scratch.heldBytes).toBe(1024);
    const rec = new GpuRecorder(c);
    expect(rec.alloc(256).buf).not.toBe(a);
    await rec.release();
  });

  it("gives a steering step the same bits with the pool off, on, and profiled", async () => {
    const cfg = tinyConfig("llama", { nLayers: 4 });
    const model = modelFromTensors(cfg, randomTensors(cfg, 5), "random");
    try {
      const ids = Int32Array.from({ length: 20 }, (_, i) => (i * 13 + 5) % cfg.vocabSize);
      const mask = Uint8Array.from({ length: 20 }, (_, i) => (i < 2 ? 0 : 1));
      const tf = {
        batch: batchFromMask(ids, mask, 2, 10),
        responseMask: Uint8Array.from({ length: 20 }, (_, i) => (i % 10 >= 7 ? 1 : 0)),
      };
      const vector = Float32Array.from(randomArray(cfg.dModel, 9, 0.5));
      const site = await prepareGpuSteeringFor(model, tf, { layer: 1, vector, scale: 1.5 });
      try {
        c.scratch.enabled = false;
        const off = await site.lossAndGrad(vector);
        c.scratch.enabled = true;
        await site.lossAndGrad(vector); // fills the pool
        const held = c.scratch.heldBytes;
        expect(held).toBeGreaterThan(0);
        const on = await site.lossAndGrad(vector);
        expect(c.scratch.heldBytes).toBe(held); // the second step took and gave back the same set
        c.profiler = new GpuProfiler(c.timestamps);
        const profiled = await site.lossAndGrad(vector);
        for (const r of [on, profiled]) {
          expect(r.loss).toBe(off.loss);
          expect(sameBits(Float32Array.from(r.grad), Float32Array.from(off.grad))).toBe(true);
        }
        const t = c.profiler.totals();
        const launches = t.kernels.reduce((s, k) => s + k.count, 0) + t.untimed;
        expect(launches).toBeGreaterThan(20);
        expect(t.recordMs).toBeGreaterThan(0);
        if (c.timestamps) {
          expect(t.untimed).toBe(0);
          expect(t.kernels.some((k) => k.label.startsWith("gpuGemm"))).toBe(true);
          expect(t.kernels.some((k) => k.label.includes("gpuAttentionBackward"))).toBe(true);
          expect(t.kernels.every((k) => k.gpuMs >= 0 && !k.label.includes("?"))).toBe(true);
        }
        console.log(
          t.kernels
            .slice(0, 6)
            .map((k) => `${k.label} ×${k.count}`)
            .join("; "),
        );
      } finally {
        site.dispose();
      }
    } finally {
      model.dispose();
    }
  });
});
