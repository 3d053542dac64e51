/**
 * The bridge from a loaded Model to the fast path (src/engine/fast), which may not import model
 * types: the parameter tree is read back from the device once per model and cached as host
 * buffers, and a host batch becomes the fast path's mask and RoPE tables (computed by rope.ts, so
 * llama3/linear scaling is the same as on the jax path); unmerged LoRA adapters come along (their
 * b already scaled). Refuses what the fast path lacks.
 *
 * Shape legend: B batch, T tokens, D d_model, V vocab.
 */
import { cpuSgemm } from "../engine/kernels/index.js";
import type { np } from "../engine/jax.js";
import { fastLogits, type FastBatch } from "../engine/fast/forward.js";
import type { FastLoraSet, FastLoraTarget } from "../engine/fast/lora.js";
import { assertFastSupported, type FastLayer, type FastModel } from "../engine/fast/model.js";
import { float32Numerics, withArena, type ArenaNumerics } from "../engine/fast/numerics.js";
import { prepareFastSteering } from "../engine/fast/steer.js";
import type { HostBatch } from "./inputs.js";
import type { SteeringLossResult, TeacherForcedBatch } from "./loss.js";
import { checkSteering, type Steering } from "./steering.js";
import type { Model } from "./model.js";
import type { LoraDelta } from "./params.js";
import { ropeTables } from "./rope.js";

const hostCopies = new WeakMap<Model, Promise<FastModel>>();
let numerics: ArenaNumerics | undefined;

/**
 * float32 on the process's CPU sgemm (kernels/index.ts picks OpenBLAS, wasm SIMD or JS), its
 * buffers reused from pass to pass: each entry point below resets it, runs one synchronous pass
 * and copies its results out.
 */
export function fastNumerics(): ArenaNumerics {
  numerics ??= withArena(float32Numerics(cpuSgemm()));
  return numerics;
}

async function host(x: np.Array): Promise<Float32Array> {
  const d = await x.ref.data();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

/** Row parts [Vᵢ, D] stacked, or column parts [D, Vᵢ] side by side, into one matrix. */
async function joined(x: np.Array | np.Array[], byColumns: boolean): Promise<Float32Array> {
  if (!Array.isArray(x)) return host(x);
  const parts = await Promise.all(x.map(host));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Float32Array(total);
  if (!byColumns) {
    let at = 0;
    for (const p of parts) out.set(p, (at += p.length) - p.length);
    return out;
  }
  const rows = x[0]!.shape[0]!;
  const width = total / rows;
  let col = 0;
  parts.forEach((p, i) => {
    const w = x[i]!.shape[1]!;
    for (let r = 0; r < rows; r++) out.set(p.subarray(r * w, (r + 1) * w), r * width + col);
    col += w;
  });
  return out;
}

/** A layer's unmerged adapters (lora.ts's LoraDelta: b already times the scale). */
async function hostLora(p: Model["params"]["layers"][number]): Promise<FastLoraSet | undefined> {
  if (!p.lora) return undefined;
  const set: FastLoraSet = {};
  for (const [t, d] of Object.entries(p.lora) as [FastLoraTarget, LoraDelta][]) {
    set[t] = { a: await host(d.a), b: await host(d.b), rank: d.a.shape[1]!, scale: 1 };
  }
  return set;
}

async function hostLayer(p: Model["params"]["layers"][number]): Promise<FastLayer> {
  const layer: FastLayer = {
    ln1: await host(p.ln1.w),
    ln2: await host(p.ln2.w),
    wq: await host(p.wq),
    wk: await host(p.wk),
    wv: await host(p.wv),
    wo: await host(p.wo),
    wGate: await host(p.wGate!),
    wUp: await host(p.wUp),
    wDown: await host(p.wDown),
  };
  if (p.bq) layer.bq = await host(p.bq);
  if (p.bk) layer.bk = await host(p.bk);
  if (p.bv) layer.bv = await host(p.bv);
  if (p.qNorm) layer.qNorm = await host(p.qNorm);
  if (p.kNorm) layer.kNorm = await host(p.kNorm);
  const lora = await hostLora(p);
  if (lora) layer.lora = lora;
  return layer;
}

async function readFastModel(model: Model): Promise<FastModel> {
  const p = model.params;
  const layers: FastLayer[] = [];
  for (let l = 0; l < p.layers.length; l++) layers.push(await hostLayer(p.layers[l]!));
  const weights: FastModel["weights"] = {
    embed: await joined(p.embed, false),
    layers,
    lnFinal: await host(p.lnFinal.w),
  };
  if (p.unembed) weights.unembed = await joined(p.unembed, true);
  return { config: model.config, weights };
}

/**
 * The model's host weights for the fast path, read from the device on first use and cached for
 * the model's lifetime. Throws FastUnsupportedError for a family or option it lacks.
 */
export function fastModelOf(model: Model): Promise<FastModel> {
  assertFastSupported(model.config);
  let got = hostCopies.get(model);
  if (!got) {
    got = readFastModel(model);
    hostCopies.set(model, got);
    got.catch(() => hostCopies.delete(model));
  }
  return got;
}

/** The fast path's view of a left-padded host batch. */
export function fastBatch(model: Model, hb: HostBatch): FastBatch {
  const { cos, sin } = ropeTables(model.invFreq, hb.positions);
  return { b: hb.batch, t: hb.seqLen, ids: hb.ids, keyMask: hb.mask, cos, sin };
}

/** Logits [B, T, V] of a host batch on the fast path (the jax path's runWithCache logits). */
export async function fastRunLogits(
  model: Model,
  hb: HostBatch,
): Promise<{ shape: number[]; data: Float32Array }> {
  const m = await fastModelOf(model);
  const nm = fastNumerics();
  nm.reset();
  const shape = [hb.batch, hb.seqLen, model.config.vocabSize];
  // The logits go straight into the result (outside the arena, which reuses its buffers).
  const data = new Float32Array(hb.batch * hb.seqLen * model.config.vocabSize);
  fastLogits(nm, m, fastBatch(model, hb), data);
  return { shape, data };
}

/**
 * steeringLossAndGrad (loss.ts) on the fast path, prepared for many vectors: the resid at the
 * steered layer is computed once. Same validation, same scale semantics (the gradient is per
 * unit of the vector as given, before `scale`).
 */
export async function prepareFastSteeringFor(
  model: Model,
  tf: TeacherForcedBatch,
  steering: Steering,
): Promise<(vector: Float32Array) => SteeringLossResult> {
  const { batch: b, seqLen: t, mask } = tf.batch;
  checkSteering(model.config, steering, b, t);
  const m = await fastModelOf(model);
  const scale = steering.scale ?? 1;
  const positionMask = Float32Array.from(steering.positionMask ?? mask, (v) => v * scale);
  const site = { layer: steering.layer, positionMask, responseMask: tf.responseMask };
  const nm = fastNumerics();
  nm.reset();
  const prepared = prepareFastSteering(nm, m, fastBatch(model, tf.batch), site);
  return (vector) => {
    checkSteering(model.config, { ...steering, vector }, b, t);
    nm.reset();
    const r = prepared.lossAndGrad(vector);
    return { loss: r.loss, perExample: r.perExample, grad: Float32Array.from(r.grad) };
  };
}

/** steeringLossAndGrad (loss.ts) on the fast path. */
export async function fastSteeringLossAndGrad(
  model: Model,
  tf: TeacherForcedBatch,
  steering: Steering,
): Promise<SteeringLossResult> {
  return (await prepareFastSteeringFor(model, tf, steering))(steering.vector);
}
