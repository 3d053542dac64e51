/**
 * Batched generation with a KV cache of fixed capacity (so every decoding step has the same
 * shapes and compiles once): greedy or sampled, stopping on EOS ids or stop strings, with
 * optional steering (prompt positions in the prefill pass by default; every new token too if
 * asked).
 *
 * Shape legend: B batch, T prompt tokens, S cache capacity, Hkv KV heads, K d_head, V vocab.
 */
import { throwIfGpuFault } from "../engine/gpu-faults.js";
import { np, tree } from "../engine/jax.js";
import { forward, unembed, type ForwardInputs, type HookFn, type LayerKV } from "./forward.js";
import { residPost } from "./hooks.js";
import { bucketLength, deviceInputs, leftPad } from "./inputs.js";
import type { Model } from "./model.js";
import type { ModelParams } from "./params.js";
import { cachedProgram } from "./programs.js";
import { logSoftmaxRow, pickToken, seededUniform, type SamplingOptions } from "./sampling.js";
import { addSteering, steeringArrays, type Steering } from "./steering.js";

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Seed of the sampler (default 0). */
  seed?: number;
  /** Token ids that end a row (default: the config's EOS ids; [] for none). */
  eosTokenIds?: number[];
  /** Strings that end a row once its decoded text contains one (needs `decode`). */
  stopStrings?: string[];
  decode?: (ids: number[]) => string;
  /** Steering; its positionMask covers the prompts left-padded to the longest one [B*T] (default: every prompt token). */
  steering?: Steering & { allPositions?: boolean };
  /** Pad id for the prompt batch (default: config pad, else the first EOS id, else 0). */
  padTokenId?: number;
}

export type FinishReason = "eos" | "stop" | "length";

export interface Generation {
  /** Generated ids per row (EOS / the stop-completing token included). */
  ids: number[][];
  /** log p(token) under the model (temperature 1, unwarped) for each generated token. */
  logprobs: number[][];
  finishReasons: FinishReason[];
  /** Decoded text per row (cut before a stop string) when `decode` is given. */
  texts?: string[];
}

export class GenerateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GenerateError";
  }
}

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
    const [b, t, h, d] = k.shape as [number, number, number, number];
    if (t === capacity) return { k, v };
    const zeros = () => np.zeros([b, capacity - t, h, d]);
    return { k: np.concatenate([k, zeros()], 1), v: np.concatenate([v, zeros()], 1) };
  });
}

/** Last-position logits of every row, [B, V] on the host. */
async function lastLogits(logits: np.Array): Promise<Float32Array[]> {
  const [b, t, v] = logits.shape as [number, number, number];
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

export async function generate(
  model: Model,
  prompts: number[][],
  opts: GenerateOptions,
): Promise<Generation> {
  const cfg = model.config;
  if (!Number.isInteger(opts.maxNewTokens) || opts.maxNewTokens < 1) {
    throw new GenerateError(`maxNewTokens must be a positive integer, got ${opts.maxNewTokens}`);
  }
  if (prompts.some((p) => p.length === 0))
    throw new GenerateError("every prompt needs at least one token");
  if (opts.stopStrings?.length && !opts.decode)
    throw new GenerateError("stop strings need a decode function");
  const pad = opts.padTokenId ?? cfg.padTokenId ?? cfg.eosTokenIds[0] ?? 0;
  const eos = new Set(opts.eosTokenIds ?? cfg.eosTokenIds);
  const longest = Math.max(...prompts.map((p) => p.length));
  if (longest + opts.maxNewTokens > cfg.maxPositions && cfg.positional === "learned") {
    throw new GenerateError(
      `prompt + new tokens (${longest + opts.maxNewTokens}) exceed the model's ${cfg.maxPositions} positions`,
    );
  }
  // Prompt lengths are padded up to a multiple of 8: every distinct length compiles a prefill
  // program, and batches of probe prompts have many lengths. Left padding is masked out.
  const hb = leftPad(prompts, pad, bucketLength(longest, PROMPT_BUCKET));
  const { batch: b, seqLen: t } = hb;
  const capacity = bucketLength(t + opts.maxNewTokens, 16);
  const steerLayer = opts.steering ? opts.steering.layer : null;
  const prefillSteer: Steer = opts.steering
    ? steeringArrays(cfg, widenMask(opts.steering, b, longest, t), b, t, hb.mask)
    : {};
  const uniform = seededUniform(opts.seed ?? 0);

  // Prefill.
  const prefill = prefillProgram(model, steerLayer)(
    tree.ref(model.params),
    deviceInputs(
      cfg,
      model.invFreq,
      { ids: hb.ids, positions: hb.positions, batch: b, len: t },
      hb.mask,
      t,
    ),
    prefillSteer,
  );
  let kv = padCache(prefill.kv, capacity);
  let rows = await lastLogits(prefill.logits);

  const keyMask = new Uint8Array(b * capacity);
  for (let i = 0; i < b; i++) keyMask.set(hb.mask.subarray(i * t, (i + 1) * t), i * capacity);
  const nextPos = Array.from({ length: b }, (_, i) => t - hb.pads[i]!);
  const ids: number[][] = prompts.map(() => []);
  const logprobs: number[][] = prompts.map(() => []);
  const finish: (FinishReason | null)[] = prompts.map(() => null);
  const texts: string[] = prompts.map(() => "");

  try {
    for (let step = 0; step < opts.maxNewTokens; step++) {
      const chosen = rows.map((row, i) => {
        if (finish[i]) return pad;
        const tok = pickToken(row, opts, uniform);
        ids[i]!.push(tok);
        logprobs[i]!.push(logSoftmaxRow(row)[tok]!);
        if (eos.has(tok)) finish[i] = "eos";
        else if (opts.stopStrings?.length) {
          const text = opts.decode!(ids[i]!);
          const hit = opts.stopStrings.map((s) => text.indexOf(s)).filter((k) => k >= 0);
          if (hit.length) {
            finish[i] = "stop";
            texts[i] = text.slice(0, Math.min(...hit));
          }
        }
        return tok;
      });
      if (finish.every((f) => f) || step === opts.maxNewTokens - 1) break;

      const slot = t + step;
      for (let i = 0; i < b; i++) keyMask[i * capacity + slot] = 1;
      const write = new Float32Array(capacity);
      write[slot] = 1;
      const keep = write.map((w) => 1 - w);
      const inputs = deviceInputs(
        cfg,
        model.invFreq,
        { ids: Int32Array.from(chosen), positions: Int32Array.from(nextPos), batch: b, len: 1 },
        keyMask,
        capacity,
        slot,
      );
      nextPos.forEach((p, i) => (nextPos[i] = p + 1));
      const steer: Steer =
        opts.steering?.allPositions && opts.steering
          ? steeringArrays(
              cfg,
              { ...opts.steering, positionMask: new Float32Array(b).fill(1) },
              b,
              1,
              new Uint8Array(b).fill(1),
            )
          : {};
      const out = stepProgram(model, opts.steering?.allPositions ? steerLayer : null)(
        tree.ref(model.params),
        {
          inputs,
          past: kv,
          write: np.array(write).reshape([1, capacity, 1, 1]),
          keep: np.array(keep).reshape([1, capacity, 1, 1]),
        },
        steer,
      );
      kv = out.kv;
      rows = await lastLogits(out.logits);
    }
  } finally {
    tree.dispose(kv);
  }
  const result: Generation = {
    ids,
    logprobs,
    finishReasons: finish.map((f) => f ?? "length"),
  };
  if (opts.decode) {
    result.texts = ids.map((row, i) => (finish[i] === "stop" ? texts[i]! : opts.decode!(row)));
  }
  return result;
}
