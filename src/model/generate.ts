/**
 * Batched generation with a KV cache of fixed capacity (so every decoding step has the same
 * shapes and compiles once): greedy or sampled, stopping on EOS ids or stop strings, with
 * optional steering (prompt positions in the prefill pass by default; every new token too if
 * asked).
 *
 * Shape legend: B batch, T prompt tokens, S cache capacity, Hkv KV heads, K d_head, V vocab.
 */
import { currentDevice } from "../engine/device.js";
import { throwIfGpuFault } from "../engine/gpu-faults.js";
import { np, tree } from "../engine/jax.js";
import { dims } from "../engine/shapes.js";
import { forward, unembed, type ForwardInputs, type HookFn, type LayerKV } from "./forward.js";
import { residPost } from "./hooks.js";
import { bucketLength, deviceInputs, leftPad } from "./inputs.js";
import type { Model } from "./model.js";
import type { ModelParams } from "./params.js";
import { cachedProgram } from "./programs.js";
import { fastGenerate } from "./fast-generate.js";
import {
  checkGenerate,
  chooseTokens,
  emptyRows,
  generation,
  type GenerateOptions,
  type Generation,
} from "./generate-common.js";
import { defaultGenerationBudget, generateInChunks, generationRows } from "./generate-chunks.js";
import { generationRouteOf } from "./generation-route.js";
import { seededUniform } from "./sampling.js";
import { addSteering, steeringArrays, type Steering } from "./steering.js";

export {
  GenerateError,
  type FinishReason,
  type GenerateOptions,
  type Generation,
  type JobShape,
} from "./generate-common.js";

type StepArgs = { inputs: ForwardInputs; past: LayerKV[]; write: np.Array; keep: np.Array };
type Steer = { vector: np.Array; mask: np.Array } | Record<string, never>;

function steerHooks(layer: number | null, steer: Steer): Map<string, HookFn> {
  const hooks = new Map<string, HookFn>();
  if (layer !== null && "vector" in steer) {
    hooks.set(residPost(layer), (x) => addSteering(x, steer.vector.ref, steer.mask.ref));
  }
  return hooks;
}

function prefillProgram(model: Model, layer: number | null) {
  const cfg = model.config;
  return cachedProgram(
    model,
    `prefill/${layer}`,
    (p: ModelParams, inputs: ForwardInputs, steer: Steer) => {
      // Only the last position's logits are needed: unembedding every prompt position (and
      // reading back [B, T, V]) made prefill dominate short generations.
      const r = forward(cfg, p, inputs, {
        hooks: steerHooks(layer, steer),
        returnKV: true,
        returnFinalResid: true,
        attention: "token-major",
      });
      tree.dispose(steer);
      const t = r.resid!.shape[1]!;
      return { logits: unembed(cfg, p, r.resid!.slice([], [t - 1, t])), kv: r.kv! };
    },
  );
}

function stepProgram(model: Model, layer: number | null) {
  const cfg = model.config;
  return cachedProgram(model, `decode/${layer}`, (p: ModelParams, a: StepArgs, steer: Steer) => {
    const r = forward(cfg, p, a.inputs, {
      hooks: steerHooks(layer, steer),
      past: a.past,
      cacheSlot: { write: a.write, keep: a.keep },
      returnKV: true,
      attention: "token-major",
    });
    tree.dispose(steer);
    return { logits: r.logits!, kv: r.kv! };
  });
}

/** Pads each layer's prefill keys/values [B,T,Hkv,K] to the capacity S with zeros. */
function padCache(kv: LayerKV[], capacity: number): LayerKV[] {
  return kv.map(({ k, v }) => {
    const [b, t, h, d] = dims(k, 4, "prefill keys");
    if (t === capacity) return { k, v };
    const zeros = () => np.zeros([b, capacity - t, h, d]);
    return { k: np.concatenate([k, zeros()], 1), v: np.concatenate([v, zeros()], 1) };
  });
}

/** Last-position logits of every row, [B, V] on the host. */
async function lastLogits(logits: np.Array): Promise<Float32Array[]> {
  const [b, t, v] = dims(logits, 3, "logits");
  const data = (await logits.data()) as Float32Array;
  throwIfGpuFault("reading back the next token's logits");
  return Array.from({ length: b }, (_, i) => data.subarray((i * t + t - 1) * v, (i * t + t) * v));
}

const PROMPT_BUCKET = 8;

/** A steering position mask given for prompts padded to `from` tokens, left-padded to `to`. */
function widenMask(s: Steering, b: number, from: number, to: number): Steering {
  if (!s.positionMask || from === to || s.positionMask.length !== b * from) return s;
  const mask = new Float32Array(b * to);
  for (let i = 0; i < b; i++)
    mask.set(s.positionMask.subarray(i * from, (i + 1) * from), i * to + (to - from));
  return { ...s, positionMask: mask };
}

/** The left-padded prompt batch and the cache laid out over it. */
interface Layout {
  hb: ReturnType<typeof leftPad>;
  b: number;
  t: number;
  capacity: number;
  pad: number;
}

/** Runs the prompts (steered if asked) and returns the padded cache and last-position logits. */
async function runPrefill(model: Model, lay: Layout, longest: number, opts: GenerateOptions) {
  const cfg = model.config;
  const { hb, b, t } = lay;
  const steerLayer = opts.steering ? opts.steering.layer : null;
  const prefillSteer: Steer = opts.steering
    ? steeringArrays(cfg, widenMask(opts.steering, b, longest, t), b, t, hb.mask)
    : {};
  const prefill = prefillProgram(model, steerLayer)(
    tree.ref(model.params),
    deviceInputs(
      cfg,
      model.invFreq,
      { ids: hb.ids, positions: hb.positions, batch: b, len: t },
      { mask: hb.mask, count: t },
    ),
    prefillSteer,
  );
  return { kv: padCache(prefill.kv, lay.capacity), rows: await lastLogits(prefill.logits) };
}

/** The per-token steering of a decoding step, when every new token is steered. */
function stepSteer(model: Model, b: number, opts: GenerateOptions): Steer {
  if (!(opts.steering?.allPositions && opts.steering)) return {};
  return steeringArrays(
    model.config,
    { ...opts.steering, positionMask: new Float32Array(b).fill(1) },
    b,
    1,
    new Uint8Array(b).fill(1),
  );
}

/** Decoding state carried between steps: key mask [B·S] and each row's next position. */
interface Cursor {
  keyMask: Uint8Array;
  nextPos: number[];
}

/** One decoding step: feeds `chosen` at cache slot t + step; returns the cache and logits. */
async function decodeStep(
  model: Model,
  lay: Layout,
  cur: Cursor,
  step: { index: number; chosen: number[]; kv: LayerKV[] },
  opts: GenerateOptions,
) {
  const { b, t, capacity } = lay;
  const slot = t + step.index;
  for (let i = 0; i < b; i++) cur.keyMask[i * capacity + slot] = 1;
  const write = new Float32Array(capacity);
  write[slot] = 1;
  const keep = write.map((w) => 1 - w);
  const inputs = deviceInputs(
    model.config,
    model.invFreq,
    {
      ids: Int32Array.from(step.chosen),
      positions: Int32Array.from(cur.nextPos),
      batch: b,
      len: 1,
    },
    { mask: cur.keyMask, count: capacity, offset: slot },
  );
  cur.nextPos.forEach((p, i) => (cur.nextPos[i] = p + 1));
  const steer = stepSteer(model, b, opts);
  const steerLayer = opts.steering ? opts.steering.layer : null;
  const out = stepProgram(model, opts.steering?.allPositions ? steerLayer : null)(
    tree.ref(model.params),
    {
      inputs,
      past: step.kv,
      write: np.array(write).reshape([1, capacity, 1, 1]),
      keep: np.array(keep).reshape([1, capacity, 1, 1]),
    },
    steer,
  );
  return { kv: out.kv, rows: await lastLogits(out.logits) };
}

/** The key mask [B·S] of the prompts (left padding masked) and each row's first new position. */
function startCursor(lay: Layout): Cursor {
  const { hb, b, t, capacity } = lay;
  const keyMask = new Uint8Array(b * capacity);
  for (let i = 0; i < b; i++) keyMask.set(hb.mask.subarray(i * t, (i + 1) * t), i * capacity);
  return { keyMask, nextPos: Array.from({ length: b }, (_, i) => t - hb.pads[i]!) };
}

/**
 * Generates from token ids on the engine the model's generation is routed to
 * (generation-route.ts: the fast path when a ModelEngine that selected it took the model's
 * generation, noting each call), else on jax-js.
 */
export async function generate(
  model: Model,
  prompts: number[][],
  opts: GenerateOptions,
): Promise<Generation> {
  const route = generationRouteOf(model);
  route?.note();
  const pass = route?.fast ? fastGenerate : jaxGenerate;
  checkGenerate(model, prompts, opts);
  const cfg = model.config;
  const budget = opts.activationBudget ?? defaultGenerationBudget(currentDevice());
  const shape = route?.fast ? undefined : opts.shape;
  if (!shape) {
    const t = Math.max(...prompts.map((p) => p.length)) + opts.maxNewTokens;
    const rows = generationRows(cfg, prompts.length, t, budget);
    return generateInChunks(prompts, opts, rows, cfg.dModel, (p, o) => pass(model, p, o));
  }
  // One job shape: every pass has the same rows and prompt length, whatever this call's batch.
  const longest = Math.max(shape.promptTokens, ...prompts.map((p) => p.length));
  const want = Math.max(prompts.length, shape.rows);
  const passes = Math.ceil(want / generationRows(cfg, want, longest + opts.maxNewTokens, budget));
  const rows = Math.ceil(want / passes);
  const filled = withFiller(prompts, opts, cfg.dModel, passes * rows - prompts.length);
  const g = await generateInChunks(filled.prompts, filled.opts, rows, cfg.dModel, (p, o) =>
    pass(model, p, o),
  );
  return dropFiller(g, prompts.length);
}

/** `n` filler rows after the prompts, copies of the first one (its steering row too). */
function withFiller(
  prompts: number[][],
  opts: GenerateOptions,
  d: number,
  n: number,
): { prompts: number[][]; opts: GenerateOptions } {
  if (n <= 0) return { prompts, opts };
  const filled = [...prompts, ...Array.from({ length: n }, () => prompts[0]!)];
  const s = opts.steering;
  if (!s) return { prompts: filled, opts };
  const repeatFirst = (a: Float32Array, width: number) => {
    const out = new Float32Array(a.length + n * width);
    out.set(a);
    for (let i = 0; i < n; i++) out.set(a.subarray(0, width), a.length + i * width);
    return out;
  };
  const t = Math.max(...prompts.map((p) => p.length));
  const steering = { ...s, ...(s.vector.length !== d ? { vector: repeatFirst(s.vector, d) } : {}) };
  if (s.positionMask) steering.positionMask = repeatFirst(s.positionMask, t);
  return { prompts: filled, opts: { ...opts, steering } };
}

/** The generation of the first `b` rows. */
function dropFiller(g: Generation, b: number): Generation {
  if (g.ids.length === b) return g;
  return {
    ids: g.ids.slice(0, b),
    logprobs: g.logprobs.slice(0, b),
    finishReasons: g.finishReasons.slice(0, b),
    ...(g.texts ? { texts: g.texts.slice(0, b) } : {}),
  };
}

/** generate() on jax-js. */
export async function jaxGenerate(
  model: Model,
  prompts: number[][],
  opts: GenerateOptions,
): Promise<Generation> {
  const cfg = model.config;
  checkGenerate(model, prompts, opts);
  const pad = opts.padTokenId ?? cfg.padTokenId ?? cfg.eosTokenIds[0] ?? 0;
  const eos = new Set(opts.eosTokenIds ?? cfg.eosTokenIds);
  const longest = Math.max(...prompts.map((p) => p.length));
  // Prompt lengths are padded up to a multiple of 8: every distinct length compiles a prefill
  // program, and batches of probe prompts have many lengths. Left padding is masked out. A job
  // shape pads them further, to its prompt length.
  const padTo = Math.max(longest, opts.shape?.promptTokens ?? 0);
  const hb = leftPad(prompts, pad, bucketLength(padTo, PROMPT_BUCKET));
  const { batch: b, seqLen: t } = hb;
  const lay: Layout = { hb, b, t, capacity: bucketLength(t + opts.maxNewTokens, 16), pad };
  const ctx = { uniform: seededUniform(opts.seed ?? 0), eos, pad };
  let { kv, rows } = await runPrefill(model, lay, longest, opts);
  const cur = startCursor(lay);
  const out = emptyRows(prompts.length);
  try {
    for (let index = 0; index < opts.maxNewTokens; index++) {
      const chosen = chooseTokens(rows, out, opts, ctx);
      if (out.finish.every((f) => f) || index === opts.maxNewTokens - 1) break;
      ({ kv, rows } = await decodeStep(model, lay, cur, { index, chosen, kv }, opts));
    }
  } finally {
    tree.dispose(kv);
  }
  return generation(out, opts);
}
