/**
 * The bridge from a loaded Model to the fast path on WebGPU (src/engine/gpu): the fast path's
 * host weights (fast-adapter.ts) uploaded once per model to the GPU and kept for the model's
 * lifetime, host batches turned into the fast path's batch, results read back to the host. Same
 * validation and results as fast-adapter.ts's CPU calls, asynchronously.
 */
import { gpuContext } from "../engine/gpu/context.js";
import { gpuLogits } from "../engine/gpu/forward.js";
import { uploadModel, type GpuModel } from "../engine/gpu/model.js";
import { prepareGpuSteering } from "../engine/gpu/steer.js";
import { DeviceUnavailableError } from "../engine/device.js";
import { fastBatch, fastModelOf } from "./fast-adapter.js";
import type { HostBatch } from "./inputs.js";
import type { PreparedSteering, TeacherForcedBatch } from "./loss.js";
import type { Model } from "./model.js";
import { disposeWith } from "./programs.js";
import { checkSteering, type Steering } from "./steering.js";

const uploads = new WeakMap<Model, Promise<GpuModel>>();

async function upload(model: Model): Promise<GpuModel> {
  const ctx = await gpuContext();
  if (!ctx) throw new DeviceUnavailableError("webgpu", "the GPU fast path found no adapter");
  const gm = uploadModel(ctx, await fastModelOf(model));
  disposeWith(model, "gpu fast-path weights", {
    dispose: () => {
      uploads.delete(model);
      gm.dispose();
    },
  });
  return gm;
}

/**
 * The model's weights on the GPU, uploaded on first use and kept until model.dispose() frees
 * them (with its programs).
 */
export function gpuModelOf(model: Model): Promise<GpuModel> {
  let got = uploads.get(model);
  if (!got) {
    got = upload(model);
    uploads.set(model, got);
    got.catch(() => uploads.delete(model));
  }
  return got;
}

/** Logits [B, T, V] of a host batch on the GPU fast path. */
export async function gpuRunLogits(
  model: Model,
  hb: HostBatch,
): Promise<{ shape: number[]; data: Float32Array }> {
  const gm = await gpuModelOf(model);
  const data = await gpuLogits(gm, fastBatch(model, hb));
  return { shape: [hb.batch, hb.seqLen, model.config.vocabSize], data };
}

/** steeringLossAndGrad (loss.ts) on the GPU fast path, prepared for many vectors. */
export async function prepareGpuSteeringFor(
  model: Model,
  tf: TeacherForcedBatch,
  steering: Steering,
): Promise<PreparedSteering> {
  const { batch: b, seqLen: t, mask } = tf.batch;
  checkSteering(model.config, steering, b, t);
  const gm = await gpuModelOf(model);
  const scale = steering.scale ?? 1;
  const positionMask = Float32Array.from(steering.positionMask ?? mask, (v) => v * scale);
  const site = { layer: steering.layer, positionMask, responseMask: tf.responseMask };
  const prepared = await prepareGpuSteering(gm, fastBatch(model, tf.batch), site);
  return {
    async lossAndGrad(vector: Float32Array) {
      checkSteering(model.config, { ...steering, vector }, b, t);
      const r = await prepared.lossAndGrad(vector);
      return { loss: r.loss, perExample: r.perExample, grad: Float32Array.from(r.grad) };
    },
    dispose: () => prepared.dispose(),
  };
}
