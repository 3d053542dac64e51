/**
 * LoRA training with the fast path's gradients (src/train/lora-gradient.ts) against the same
 * training with jax-js's valueAndGrad: same losses and adapters step by step within float32
 * rounding, an interrupted fast run resumes to exactly the uninterrupted one, a checkpoint of one
 * engine is not resumed on the other, and "jax" keeps the trainer on jax-js.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { tree } from "../../src/engine/jax.js";
import { defaultLoraConfig, type LoraParams } from "../../src/model/lora.js";
import { modelFromTensors, type Model } from "../../src/model/model.js";
import { CheckpointError } from "../../src/train/checkpoint.js";
import { initialTensors } from "../../src/train/init.js";
import { loraHostGradient } from "../../src/train/lora-gradient.js";
import { namedLeaves } from "../../src/train/named-tree.js";
import { train, type TrainJob } from "../../src/train/trainer.js";
import { tinyConfig } from "../model/random-model.js";
import { loraTrainJob, loraTrainOptions } from "./lora-job.js";

const cfg = tinyConfig("llama", { vocabSize: 24, nLayers: 2 });
const loraCfg = defaultLoraConfig(cfg.nLayers, { rank: 4, alpha: 8 });
let model: Model;
let dir: string;

const options = loraTrainOptions(12);

function job(fast: boolean, over: Partial<TrainJob<LoraParams>> = {}): TrainJob<LoraParams> {
  const hostGradient = loraHostGradient(model, loraCfg, fast ? "fast" : "jax").gradient;
  return {
    ...loraTrainJob(model, loraCfg, {
      steps: options.steps,
      examples: 300,
      validation: 40,
      hostGradient,
    }),
    ...over,
  };
}

async function leaves(t: LoraParams): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, x] of namedLeaves(t)) out.set(name, (await x.ref.data()) as Float32Array);
  return out;
}

beforeAll(async () => {
  await initEngine("wasm");
  model = modelFromTensors(cfg, initialTensors(cfg, 3), "init");
  dir = mkdtempSync(join(tmpdir(), "trigscope-lora-grad-"));
});
afterAll(() => {
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("LoRA training on the fast path's gradients", () => {
  it("follows jax-js's training step by step (losses, gradient norms, adapters)", async () => {
    const jax = await train(job(false));
    const fast = await train(job(true));
    const jaxLeaves = await leaves(jax.trainable);
    const fastLeaves = await leaves(fast.trainable);
    tree.dispose([jax.trainable, fast.trainable]);
    let lossDiff = 0;
    let normRel = 0;
    jax.history.forEach((h, i) => {
      const f = fast.history[i]!;
      lossDiff = Math.max(lossDiff, Math.abs(f.loss - h.loss));
      normRel = Math.max(normRel, Math.abs(f.gradNorm - h.gradNorm) / h.gradNorm);
    });
    let worst = 0;
    for (const [name, want] of jaxLeaves) {
      const got = fastLeaves.get(name)!;
      let scale = 0;
      for (const x of want) scale = Math.max(scale, Math.abs(x));
      want.forEach((x, k) => (worst = Math.max(worst, Math.abs(got[k]! - x) / scale)));
    }
    console.log(
      `fast vs jax LoRA training, ${options.steps} steps: |loss diff| ≤ ${lossDiff.toExponential(2)}, ` +
        `grad-norm rel ≤ ${normRel.toExponential(2)}, adapters rel (to each tensor's max) ≤ ${worst.toExponential(2)}`,
    );
    expect(fast.history.at(-1)!.loss).toBeLessThan(fast.history[0]!.loss);
    expect(lossDiff).toBeLessThan(1e-4);
    expect(normRel).toBeLessThan(1e-3);
    expect(worst).toBeLessThan(1e-3);
  });

  it("resumes an interrupted run to exactly the uninterrupted one", async () => {
    const full = await train(job(true));
    const fullLeaves = await leaves(full.trainable);
    tree.dispose(full.trainable);
    const ckpt = join(dir, "resume");
    const controller = new AbortController();
    const first = await train(
      job(true, {
        checkpointDir: ckpt,
        signal: controller.signal,
        onStep: (r) => (r.step === 5 ? controller.abort() : undefined),
      }),
    );
    expect(first.steps).toBe(5);
    tree.dispose(first.trainable);
    const second = await train(job(true, { checkpointDir: ckpt, resume: true }));
    expect(second.history.map((h) => h.loss)).toEqual(full.history.map((h) => h.loss));
    const resumed = await leaves(second.trainable);
    tree.dispose(second.trainable);
    for (const [name, x] of resumed)
      expect(Array.from(x), name).toEqual(Array.from(fullLeaves.get(name)!));
  });

  it("does not resume a checkpoint written by the other engine", async () => {
    const ckpt = join(dir, "other-engine");
    const a = await train(job(false, { checkpointDir: ckpt, options: { ...options, steps: 2 } }));
    tree.dispose(a.trainable);
    const j = job(true, { checkpointDir: ckpt, resume: true, options: { ...options, steps: 2 } });
    await expect(train(j)).rejects.toThrow(CheckpointError);
    tree.dispose(j.trainable);
  });

  it("says which engine and why, and leaves jax-js's own gradient when asked", () => {
    const fast = loraHostGradient(model, loraCfg);
    expect(fast.decision.engine).toBe("fast");
    expect(fast.decision.reason).toMatch(/^fast \(auto: llama on wasm\)/);
    const jax = loraHostGradient(model, loraCfg, "jax");
    expect(jax).toEqual({ decision: { engine: "jax", reason: "jax (requested)" }, gradient: null });
  });
});
