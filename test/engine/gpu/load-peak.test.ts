/**
 * Memory held while a sharded bf16 checkpoint streams onto WebGPU, measured in a child process
 * (load-peak-child.ts) with full GCs before every tensor read: what JS holds in ArrayBuffers and
 * external memory, and the GPU buffers alive, which the CPU Vulkan driver (lavapipe) keeps in host
 * memory. Both loads, the synchronous one (`loadModel`) and the settled one, must hold about one
 * layer beside the weights: a load that left its GPU transposes pending until the first forward
 * kept every stored matrix beside its transpose, about twice the model. Skips without a WebGPU
 * adapter.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBf16Llama, type LlamaDims } from "./bf16-checkpoint.js";
import { ctx, gpuSuite } from "./gpu-env.js";

// 8 layers of d_model 256, MLP 1024: a layer is 3.8 MiB as float32, the model 32 MiB (bf16: 16 MiB
// in 4 MiB shards).
const dims: LlamaDims = {
  vocabSize: 1024,
  dModel: 256,
  nLayers: 8,
  nHeads: 4,
  nKvHeads: 2,
  dHead: 64,
  dMlp: 1024,
};
const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f } = dims;
const layerBytes = (2 * d * h * k + 2 * d * hkv * k + 3 * d * f + 2 * d) * 4;
const shardBytes = 4 * 2 ** 20;

interface Levels {
  host: number;
  device: number;
  rss: number;
}
interface Measured {
  peak: Levels;
  after: Levels;
  float32Bytes: number;
}

const root = mkdtempSync(join(tmpdir(), "trigscope-load-peak-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, "llama-bf16");

function measure(mode: "lazy" | "settled"): Measured {
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", join(import.meta.dirname, "load-peak-child.ts"), dir, mode],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as Measured;
}

describe.skipIf(!ctx)(gpuSuite("streaming a sharded bf16 checkpoint onto webgpu"), () => {
  beforeAll(() => {
    writeBf16Llama(dir, dims, shardBytes);
  });

  it.each(["lazy", "settled"] as const)(
    "holds about one layer beside the weights (%s load)",
    (mode) => {
      const r = measure(mode);
      const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
      console.log(
        `${mode} load of ${mib(r.float32Bytes)} (float32): peak JS host ${mib(r.peak.host)}, ` +
          `GPU buffers ${mib(r.peak.device)}, rss ${mib(r.peak.rss)}`,
      );
      // The device holds the weights and, at most, one layer's stored matrices on their way to
      // being transposed (kept by jax-js for the next layer's uploads of the same shapes). The
      // regression held all of them: float32Bytes + about 8 layers.
      expect(r.peak.device).toBeGreaterThanOrEqual(r.float32Bytes);
      expect(r.peak.device).toBeLessThanOrEqual(r.float32Bytes + 1.5 * layerBytes);
      // JS holds about one layer upcast and a shard as read, during the load and after it (the
      // host buffer pool keeps what it read for reuse: 7.6-8.7 MiB after, run to run); never the
      // model, whose bf16 bytes alone (16 MiB) are past this bound.
      expect(r.peak.host).toBeLessThanOrEqual(layerBytes + 2 * shardBytes);
      expect(r.after.host).toBeLessThanOrEqual(layerBytes + 2 * shardBytes);
    },
    120_000,
  );
});
