/**
 * Running a model on a batch: logits, cached activations at named hooks, hook functions that read
 * or replace activations, and steering. Compiled programs are cached per model and option set.
 */
import { throwIfGpuFault } from "../engine/gpu-faults.js";
import { np, tree } from "../engine/jax.js";
import { cachedProgram } from "./programs.js";
import { forward, type ForwardInputs, type HookFn } from "./forward.js";
import { parseHookName, residPost, type HookName } from "./hooks.js";
import { batchInputs, type HostBatch } from "./inputs.js";
import type { Model } from "./model.js";
import type { ModelParams } from "./params.js";
import { addSteering, steeringArrays, type Steering } from "./steering.js";

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Reads an array back to the host (consumes it). */
export async function toHost(x: np.Array): Promise<HostTensor> {
  const shape = x.shape.slice();
  const data = (await x.data()) as Float32Array;
  throwIfGpuFault("reading back a result");
  return { shape, data: data instanceof Float32Array ? data : Float32Array.from(data) };
}

export interface RunOptions {
  /** Hook points to return. */
  capture?: readonly string[];
  steering?: Steering;
  /** Return logits (default true). */
  logits?: boolean;
}

export interface RunResult {
  logits?: HostTensor;
  cache: Record<string, HostTensor>;
}

type SteerArgs = { vector: np.Array; mask: np.Array } | Record<string, never>;
type Program = (
  params: ModelParams,
  inputs: ForwardInputs,
  steer: SteerArgs,
) => { logits?: np.Array; cache: Record<string, np.Array> };

function program(
  model: Model,
  capture: readonly HookName[],
  steerLayer: number | null,
  logits: boolean,
): Program {
  const cfg = model.config;
  const captureSet = new Set<string>(capture);
  const body = (params: ModelParams, inputs: ForwardInputs, steer: SteerArgs) => {
    const hooks = new Map<string, HookFn>();
    if ("vector" in steer && steerLayer !== null) {
      hooks.set(residPost(steerLayer), (x) => addSteering(x, steer.vector.ref, steer.mask.ref));
    }
    // No gradient flows through these passes: token-major attention is the faster layout here.
    const r = forward(cfg, params, inputs, {
      capture: captureSet,
      hooks,
      noLogits: !logits,
      attention: "token-major",
    });
    tree.dispose(steer);
    return r.logits ? { logits: r.logits, cache: r.cache } : { cache: r.cache };
  };
  return cachedProgram(
    model,
    JSON.stringify(["run", capture, steerLayer, logits]),
    body as Program,
  );
}

async function cacheToHost(cache: Record<string, np.Array>): Promise<Record<string, HostTensor>> {
  const out: Record<string, HostTensor> = {};
  for (const [name, x] of Object.entries(cache)) out[name] = await toHost(x);
  return out;
}

/** Forward with selected hook activations returned (compiled). */
export async function runWithCache(
  model: Model,
  batch: HostBatch,
  opts: RunOptions = {},
): Promise<RunResult> {
  const capture = (opts.capture ?? []).map((h) => {
    parseHookName(h, model.config.nLayers);
    return h as HookName;
  });
  const wantLogits = opts.logits ?? true;
  const steer = opts.steering
    ? steeringArrays(model.config, opts.steering, batch.batch, batch.seqLen, batch.mask)
    : null;
  const fn = program(model, capture, opts.steering?.layer ?? null, wantLogits);
  const inputs = batchInputs(model.config, model.invFreq, batch);
  const r = fn(tree.ref(model.params), inputs, steer ?? {});
  const result: RunResult = { cache: await cacheToHost(r.cache) };
  if (r.logits) result.logits = await toHost(r.logits);
  return result;
}

/**
 * Forward with arbitrary functions at hook points (eager, not compiled): each gets the activation
 * and returns it, changed or not. Captured hooks are returned after their function ran.
 */
export async function runWithHooks(
  model: Model,
  batch: HostBatch,
  hooks: Readonly<Record<string, HookFn>>,
  opts: RunOptions = {},
): Promise<RunResult> {
  const map = new Map<string, HookFn>();
  for (const [name, fn] of Object.entries(hooks)) {
    parseHookName(name, model.config.nLayers);
    map.set(name, fn);
  }
  const capture = new Set<string>(opts.capture ?? []);
  for (const h of capture) parseHookName(h, model.config.nLayers);
  if (opts.steering) {
    const s = steeringArrays(model.config, opts.steering, batch.batch, batch.seqLen, batch.mask);
    const name = residPost(opts.steering.layer);
    const inner = map.get(name);
    map.set(name, (x) => {
      const y = addSteering(x, s.vector.ref, s.mask.ref);
      return inner ? inner(y) : y;
    });
    try {
      return await runEager(model, batch, map, capture, opts.logits ?? true);
    } finally {
      s.vector.dispose();
      s.mask.dispose();
    }
  }
  return runEager(model, batch, map, capture, opts.logits ?? true);
}

async function runEager(
  model: Model,
  batch: HostBatch,
  hooks: Map<string, HookFn>,
  capture: Set<string>,
  logits: boolean,
): Promise<RunResult> {
  const inputs = batchInputs(model.config, model.invFreq, batch);
  const r = forward(model.config, model.params, inputs, { capture, hooks, noLogits: !logits });
  const result: RunResult = { cache: await cacheToHost(r.cache) };
  if (r.logits) result.logits = await toHost(r.logits);
  return result;
}
