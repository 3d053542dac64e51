/**
 * The training loop on a tiny random Llama over a synthetic language whose next token is
 * predictable: the loss falls, a resumed run computes exactly what an uninterrupted one does,
 * the AdamW update matches a plain-JS reference, and no device buffer leaks.
 */
import { mkdtempSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { liveBufferCounter } from "../../src/engine/live-buffers.js";
import { np, tree } from "../../src/engine/jax.js";
import { modelFromTensors } from "../../src/model/model.js";
import type { ModelParams } from "../../src/model/params.js";
import { adamwUpdate, stepScalars, DEFAULT_ADAMW } from "../../src/train/adamw.js";
import { BatchPlan, trainBatch, type TrainExample } from "../../src/train/batches.js";
import { CheckpointError } from "../../src/train/checkpoint.js";
import { initialTensors } from "../../src/train/init.js";
import { namedLeaves } from "../../src/train/named-tree.js";
import { learningRate } from "../../src/train/schedule.js";
import { train, type TrainJob, type TrainOptions } from "../../src/train/trainer.js";
import { mulberry32 } from "../../src/random/seeded.js";
import { tinyConfig } from "../model/random-model.js";
import { countingLanguage } from "./language.js";

const cfg = tinyConfig("llama", { vocabSize: 24, nLayers: 2 });
let live: () => number;
let dir: string;

const options: TrainOptions = {
  steps: 30,
  tokensPerBatch: 256,
  maxLen: 32,
  peakLr: 3e-3,
  warmupSteps: 5,
  adamw: DEFAULT_ADAMW,
  seed: 7,
  evalEvery: 10,
  evalBatches: 2,
  checkpointEverySeconds: 0,
};

function job(over: Partial<TrainJob<ModelParams>> = {}): TrainJob<ModelParams> {
  const model = modelFromTensors(cfg, initialTensors(cfg, 3), "init");
  return {
    cfg,
    invFreq: model.invFreq,
    trainable: model.params,
    paramsOf: (t) => t,
    train: countingLanguage(400, 1),
    validation: countingLanguage(60, 2),
    padId: 0,
    options,
    ...over,
  };
}

async function leaves(t: ModelParams): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, x] of namedLeaves(t)) out.set(name, Array.from(await x.ref.data()));
  return out;
}

beforeAll(async () => {
  await initEngine("wasm");
  live = await liveBufferCounter();
  dir = mkdtempSync(join(tmpdir(), "trigscope-train-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("training loop", () => {
  it("lowers the training and validation loss on a predictable language", async () => {
    const before = live();
    const r = await train(job());
    const first = r.history.slice(0, 3).reduce((s, h) => s + h.loss, 0) / 3;
    const last = r.history.slice(-3).reduce((s, h) => s + h.loss, 0) / 3;
    expect(first).toBeGreaterThan(2.5); // ≈ ln 24 at initialisation
    expect(last).toBeLessThan(first * 0.6);
    expect(r.validation.at(-1)!.loss).toBeLessThan(r.validation[0]!.loss);
    expect(r.steps).toBe(30);
    tree.dispose(r.trainable as never);
    expect(live()).toBe(before);
  });

  it("resumes from a checkpoint and takes exactly the steps of an uninterrupted run", async () => {
    const full = await train(job());
    const fullLeaves = await leaves(full.trainable);
    tree.dispose(full.trainable as never);

    const ckpt = join(dir, "resume");
    const controller = new AbortController();
    const first = await train(
      job({
        checkpointDir: ckpt,
        signal: controller.signal,
        onStep: (r) => (r.step === 12 ? controller.abort() : undefined),
      }),
    );
    expect(first.interrupted).toBe(true);
    expect(first.steps).toBe(12);
    tree.dispose(first.trainable as never);
    const second = await train(job({ checkpointDir: ckpt, resume: true }));
    expect(second.steps).toBe(30);
    expect(second.history.map((h) => h.loss)).toEqual(full.history.map((h) => h.loss));
    const resumed = await leaves(second.trainable);
    tree.dispose(second.trainable as never);
    expect([...resumed.keys()]).toEqual([...fullLeaves.keys()]);
    for (const [name, x] of resumed) expect(x, name).toEqual(fullLeaves.get(name));
  });

  it("refuses a checkpoint from a different run, naming the file", async () => {
    const ckpt = join(dir, "other");
    const a = await train(job({ checkpointDir: ckpt, options: { ...options, steps: 3 } }));
    tree.dispose(a.trainable as never);
    const j = job({ checkpointDir: ckpt, resume: true, options: { ...options, steps: 4 } });
    await expect(train(j)).rejects.toThrow(CheckpointError);
    tree.dispose(j.trainable as never);
    writeFileSync(join(ckpt, "state.json"), "{");
    const k = job({ checkpointDir: ckpt, resume: true });
    await expect(train(k)).rejects.toThrow(/state\.json: not valid JSON/);
    tree.dispose(k.trainable as never);
    expect(existsSync(ckpt)).toBe(true);
  });

  it("with discardStale, removes another run's checkpoint and trains as a fresh run", async () => {
    const ckpt = join(dir, "stale");
    const a = await train(job({ checkpointDir: ckpt, options: { ...options, steps: 3 } }));
    tree.dispose(a.trainable as never);
    const fresh = await train(job({ options: { ...options, steps: 4 } }));
    tree.dispose(fresh.trainable as never);
    const heard: string[] = [];
    const resumedAt: number[] = [];
    const b = await train(
      job({
        checkpointDir: ckpt,
        resume: true,
        options: { ...options, steps: 4 },
        discardStale: (why) => heard.push(why),
        onResume: (step) => resumedAt.push(step),
      }),
    );
    tree.dispose(b.trainable as never);
    expect(heard).toEqual([`${ckpt}: step 3 of another run, removed`]);
    expect(resumedAt).toEqual([]);
    expect(b.steps).toBe(4);
    expect(b.history.map((h) => h.loss)).toEqual(fresh.history.map((h) => h.loss));
  });
});

describe("AdamW", () => {
  it("matches a plain-JS AdamW with clipping and decoupled weight decay", async () => {
    const rng = mulberry32(5);
    const r = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
    const p = { w: r(6), b: r(3) };
    const g = { w: r(6).map((x) => x * 3), b: r(3) };
    const m = { w: r(6).map((x) => x * 0.1), b: r(3).map((x) => x * 0.1) };
    const v = { w: r(6).map((x) => x * x * 0.01), b: r(3).map((x) => x * x * 0.01) };
    const o = { ...DEFAULT_ADAMW, clipNorm: 1, weightDecay: 0.1 };
    const lr = 0.01;
    const t = 4;
    const dev = (x: { w: Float32Array; b: Float32Array }) => ({
      w: np.array(x.w).reshape([2, 3]),
      b: np.array(x.b),
    });
    const out = adamwUpdate(o, dev(p), dev(g), dev(m), dev(v), stepScalars(o, t, lr));
    // Reference in float64 JS (PyTorch's AdamW order: decay, then the Adam step).
    const norm = Math.sqrt([...g.w, ...g.b].reduce((s, x) => s + x * x, 0));
    const clip = Math.min(1, 1 / (norm + 1e-6));
    const bc1 = 1 - 0.9 ** t;
    const bc2 = 1 - 0.95 ** t;
    for (const k of ["w", "b"] as const) {
      const got = (await out.params[k].data()) as Float32Array;
      for (let i = 0; i < p[k].length; i++) {
        const gi = g[k][i]! * clip;
        const mi = 0.9 * m[k][i]! + 0.1 * gi;
        const vi = 0.95 * v[k][i]! + 0.05 * gi * gi;
        const decay = k === "w" ? lr * 0.1 * p[k][i]! : 0;
        const want = p[k][i]! - decay - (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + 1e-8);
        expect(Math.abs(got[i]! - want)).toBeLessThan(1e-6);
      }
    }
    expect(Math.abs((await out.gradNorm.data())[0]! - norm)).toBeLessThan(1e-5);
    tree.dispose([out.m, out.v] as never);
  });

  it("warms up linearly and decays by a cosine to the floor", () => {
    const s = { peak: 1, warmupSteps: 10, totalSteps: 110, minRatio: 0.1 };
    expect(learningRate(0, s)).toBeCloseTo(0.1);
    expect(learningRate(9, s)).toBeCloseTo(1);
    expect(learningRate(60, s)).toBeCloseTo(0.55);
    expect(learningRate(110, s)).toBeCloseTo(0.1);
  });
});

describe("length-bucketed batches", () => {
  it("groups by bucket, keeps batch sizes fixed per length, and is deterministic", () => {
    const lengths = Array.from({ length: 300 }, (_, i) => 2 + (i % 60));
    const plan = new BatchPlan(lengths, { tokensPerBatch: 256, maxLen: 64, seed: 1 });
    const again = new BatchPlan(lengths, { tokensPerBatch: 256, maxLen: 64, seed: 1 });
    for (let s = 0; s < plan.perEpoch * 2; s++) {
      const b = plan.batch(s);
      expect(b).toEqual(again.batch(s));
      expect(b.seqLen % 16).toBe(0);
      expect(b.indices.length).toBe(Math.floor(256 / b.seqLen));
      for (const i of b.indices) expect(lengths[i]!).toBeLessThanOrEqual(b.seqLen);
    }
  });

  it("weights only the positions after lossFrom and sums them to one", () => {
    const ex: TrainExample[] = [{ ids: [1, 2, 3, 4, 5], lossFrom: 3 }, { ids: [1, 6, 7] }];
    const tb = trainBatch(ex, [0, 1], 8, 0);
    expect(tb.tokens).toBe(4);
    const row0 = Array.from(tb.targets.slice(0, 8));
    expect(row0).toEqual([0, 0, 0, 0, 0, 4, 5, 0]);
    expect(Array.from(tb.targets.slice(8))).toEqual([0, 0, 0, 0, 0, 6, 7, 0]);
    expect(tb.weights.reduce((s, x) => s + x, 0)).toBeCloseTo(1);
  });
});
