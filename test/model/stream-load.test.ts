/**
 * Streamed loading of sharded bf16 checkpoints: the weights go to the device one layer at a time,
 * so the host never holds more than about one layer (or the embedding) upcast to float32 — checked
 * in a child process that tracks every host tensor with WeakRefs and full GCs. Also: the streamed
 * model equals the one built from a fully loaded checkpoint, and a model that cannot fit the
 * device is refused before anything is read, naming the file and what to do.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine, type DeviceLimits } from "../../src/engine/device.js";
import { writeShardedSafetensors } from "../../src/io/sharded.js";
import { openWeightSource } from "../../src/io/weight-source.js";
import { checkModelFits, ModelTooLargeError } from "../../src/model/fit.js";
import { leftPad } from "../../src/model/inputs.js";
import { loadModel, loadModelSettled, modelFromTensors } from "../../src/model/model.js";
import { runWithCache } from "../../src/model/run.js";
import { randomTensors, tinyConfig } from "./random-model.js";

const root = mkdtempSync(join(tmpdir(), "trigscope-stream-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 8 layers of d_model 128, MLP 512, vocab 256: each layer is 0.79 MB as float32, the whole model 7.2 MB.
const config = tinyConfig("llama", {
  vocabSize: 256,
  dModel: 128,
  nLayers: 8,
  nHeads: 4,
  nKvHeads: 2,
  dHead: 32,
  dMlp: 512,
});

/** float32 → bfloat16 bits, rounding to nearest even (as torch does). */
function toBf16(x: Float32Array): Uint16Array {
  const u = new Uint32Array(x.buffer, x.byteOffset, x.length);
  return Uint16Array.from(u, (b) => (b + 0x7fff + ((b >>> 16) & 1)) >>> 16);
}

function writeCheckpoint(dir: string) {
  mkdirSync(dir, { recursive: true });
  const tensors = randomTensors(config, 7, 0.05);
  const toWrite = Object.fromEntries(
    [...tensors].map(([name, t]) => [
      name,
      { dtype: "BF16" as const, shape: t.shape, data: toBf16(t.data) },
    ]),
  );
  writeShardedSafetensors(dir, toWrite, 1_000_000);
  writeFileSync(
    join(dir, "config.json"),
    JSON.stringify({
      model_type: "llama",
      hidden_size: 128,
      intermediate_size: 512,
      num_hidden_layers: 8,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      head_dim: 32,
      vocab_size: 256,
      max_position_embeddings: 64,
      rms_norm_eps: 1e-5,
    }),
  );
}

const dir = join(root, "bf16-sharded");

function measure(env: Record<string, string>) {
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", join(import.meta.dirname, "stream-peak-child.ts"), dir],
    { encoding: "utf8", env: { ...process.env, ...env } },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as {
    peakLiveBytes: number;
    afterLoad: number;
    float32Bytes: number;
    storedBytes: number;
  };
}
beforeAll(async () => {
  await initEngine("wasm");
  writeCheckpoint(dir);
});

describe("streamed loading", () => {
  it("holds at most about one layer of host tensors at a time", () => {
    const layerBytes = (4 * 128 * 128 + 2 * 2 * 32 * 128 + 3 * 128 * 512) * 4;
    const r = measure({});
    const holding = measure({ HOLD_ALL: "1" });
    console.log(
      `streamed load: peak live host tensors ${r.peakLiveBytes} bytes of ${r.float32Bytes} as float32`,
    );
    expect(r.storedBytes * 2).toBe(r.float32Bytes);
    // One layer's tensors, and its transposed copies, at most (the loader keeps exactly these
    // for reuse by the next layer: io/host-pool.ts); the whole model is 9× one layer.
    expect(r.peakLiveBytes).toBeLessThanOrEqual(2 * layerBytes);
    expect(r.peakLiveBytes).toBeLessThan(r.float32Bytes / 3);
    // Nothing read stays alive after the load. The level can also fall below the one before
    // loading (a buffer the engine's start-up made is collected), so this is a bound, not an
    // equality (CI once saw -160862 bytes). A load that kept its host tensors would leave ~all
    // of float32Bytes here.
    expect(r.afterLoad).toBeLessThan(r.float32Bytes / 10);
    // The same measure sees a load that keeps every tensor on the host.
    expect(holding.peakLiveBytes).toBeGreaterThan(0.8 * r.float32Bytes);
  }, 120_000);

  it("gives the same logits as a model built from the fully read checkpoint", async () => {
    const source = openWeightSource(dir);
    const all = new Map([...source.entries.keys()].map((n) => [n, source.read(n)]));
    const a = loadModel(dir);
    const b = modelFromTensors(config, all, "in memory");
    try {
      const batch = leftPad(
        [
          [1, 5, 9, 200, 3],
          [7, 7],
        ],
        0,
      );
      const [ra, rb] = [await runWithCache(a, batch, {}), await runWithCache(b, batch, {})];
      expect(Array.from(ra.logits!.data)).toEqual(Array.from(rb.logits!.data));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("loads the same parameters when it waits for the device after each layer", async () => {
    const seen: number[] = [];
    const a = loadModel(dir);
    const b = await loadModelSettled(dir, { onProgress: (d) => seen.push(d) });
    try {
      expect(b.params.layers).toHaveLength(a.params.layers.length);
      const la = a.params.layers.at(-1)!;
      const lb = b.params.layers.at(-1)!;
      for (const key of Object.keys(la) as (keyof typeof la)[]) {
        const [x, y] = [la[key], lb[key]];
        if (x && y && "data" in x && "data" in y)
          expect(Array.from(await y.ref.data())).toEqual(Array.from(await x.ref.data()));
      }
      expect(seen.at(-1)).toBe(openWeightSource(dir).storedBytes);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("reports progress in stored bytes, ending at the checkpoint's size", () => {
    const seen: [number, number][] = [];
    const m = loadModel(dir, { onProgress: (d, t) => seen.push([d, t]) });
    m.dispose();
    const total = openWeightSource(dir).storedBytes;
    expect(seen.length).toBeGreaterThan(8);
    expect(seen.every(([, t]) => t === total)).toBe(true);
    expect(seen.at(-1)![0]).toBe(total);
    expect(seen.every(([d], i) => i === 0 || d >= seen[i - 1]![0])).toBe(true);
  });
});

describe("a model that does not fit", () => {
  const entries = (shapes: Record<string, number[]>) =>
    new Map(Object.entries(shapes).map(([n, shape]) => [n, { shape }]));
  const llama8b = tinyConfig("llama", { nLayers: 32, dModel: 4096, vocabSize: 128256 });

  it("is refused on wasm when its float32 weights exceed the 4 GiB memory", () => {
    const wasm: DeviceLimits = {
      device: "wasm",
      maxBufferBytes: 2 ** 32,
      maxBindingBytes: 2 ** 32,
      memoryBytes: 2 ** 32,
    };
    const big = entries({
      "model.embed_tokens.weight": [128256, 4096],
      "lm_head.weight": [128256, 4096],
    });
    expect(() => checkModelFits(llama8b, big, wasm, "ckpt/model.safetensors.index.json")).toThrow(
      /ckpt\/model.safetensors.index.json: the model does not fit the wasm device: its weights take 3.91 GiB as float32 .* run it with --device webgpu/,
    );
  });

  const gpu: DeviceLimits = {
    device: "webgpu",
    maxBufferBytes: 2 ** 40,
    maxBindingBytes: 2 ** 31,
    memoryBytes: null,
  };

  it("is refused on WebGPU when a tensor other than the vocabulary matrices exceeds the bindable buffer", () => {
    const wide = entries({ "model.layers.0.mlp.up_proj.weight": [240000, 3584] });
    expect(() => checkModelFits(llama8b, wide, gpu, "g/x")).toThrow(ModelTooLargeError);
    expect(() => checkModelFits(llama8b, wide, gpu, "g/x")).toThrow(
      /tensor 'model.layers.0.mlp.up_proj.weight' takes 3.20 GiB as float32, above the largest buffer a kernel can bind \(2.00 GiB\)/,
    );
  });

  it("lets a vocabulary matrix past the binding limit through (it is held in parts)", () => {
    const gemma9b = tinyConfig("gemma2", { vocabSize: 256000, dModel: 3584 });
    const embed = entries({ "model.embed_tokens.weight": [256000, 3584] });
    expect(checkModelFits(gemma9b, embed, gpu, "g/x")).toBe(256000 * 3584 * 4);
  });

  it("passes a model within both limits and returns its float32 bytes", () => {
    const gpu: DeviceLimits = {
      device: "webgpu",
      maxBufferBytes: 2 ** 40,
      maxBindingBytes: 2 ** 31,
      memoryBytes: null,
    };
    expect(checkModelFits(llama8b, entries({ a: [128256, 4096] }), gpu, "x")).toBe(
      128256 * 4096 * 4,
    );
  });
});
