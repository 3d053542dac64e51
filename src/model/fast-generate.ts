/**
 * generate() on the fast path (src/engine/fast/decode.ts): the prompts left-padded to the longest
 * one (no length buckets: nothing is compiled per shape), a KV cache of exactly prompt + new
 * tokens, then one token per step for the rows still generating only (finished rows drop out of
 * the batch). Token choice, EOS and stop strings are generate-common.ts's, as on jax-js; greedy
 * tokens and each step's logits equal jax-js generation's to float32 rounding
 * (test/engine/fast/generate.test.ts).
 *
 * Shape legend: B batch, T prompt tokens, A active rows, D d_model, V vocab.
 */
import { decodeStep, prefill, type DecodeSteering } from "../engine/fast/decode.js";
import { newKvCache, type KvCache } from "../engine/fast/kv-cache.js";
import type { FastModel } from "../engine/fast/model.js";
import type { Buf } from "../engine/fast/numerics.js";
import { fastBatch, fastModelOf, fastNumerics } from "./fast-adapter.js";
import {
  checkGenerate,
  chooseTokens,
  emptyRows,
  generation,
  type GenerateOptions,
  type Generation,
} from "./generate-common.js";
import { leftPad, type HostBatch } from "./inputs.js";
import type { Model } from "./model.js";
import { ropeTables } from "./rope.js";
import { seededUniform } from "./sampling.js";
import { checkSteering } from "./steering.js";

/** Each step's logits, row by row (B entries; empty for rows already finished): for tests. */
export type StepObserver = (step: number, rows: readonly Float32Array[]) => void;

/** Generation's steering as the fast decoder takes it (vector scaled, prefill mask [B·T]). */
function hostSteering(
  model: Model,
  hb: HostBatch,
  opts: GenerateOptions,
): DecodeSteering | undefined {
  const s = opts.steering;
  if (!s) return undefined;
  checkSteering(model.config, s, hb.batch, hb.seqLen);
  const scale = s.scale ?? 1;
  return {
    layer: s.layer,
    vector: scale === 1 ? s.vector : s.vector.map((x) => x * scale),
    mask: s.positionMask ?? Float32Array.from(hb.mask),
    allPositions: s.allPositions ?? false,
  };
}

/** B rows of logits from `active` rows [A, V]; finished rows get an empty array. */
function splitRows(logits: Buf, active: Int32Array, b: number, v: number): Float32Array[] {
  const rows: Float32Array[] = Array.from({ length: b }, () => new Float32Array(0));
  active.forEach((e, i) => {
    const r = logits.subarray(i * v, (i + 1) * v);
    rows[e] = r instanceof Float32Array ? r : Float32Array.from(r);
  });
  return rows;
}

interface Decoder {
  model: Model;
  m: FastModel;
  cache: KvCache;
  hb: HostBatch;
  steer: DecodeSteering | undefined;
}

/** One step for the rows `active` feeding `chosen`, at cache slot T + index. */
function step(dec: Decoder, active: Int32Array, chosen: number[], index: number) {
  const { hb } = dec;
  const positions = Int32Array.from(active, (e) => hb.seqLen - hb.pads[e]! + index);
  const { cos, sin } = ropeTables(dec.model.invFreq, positions);
  const nm = fastNumerics();
  nm.reset();
  const ids = Int32Array.from(active, (e) => chosen[e]!);
  const slot = hb.seqLen + index;
  const logits = decodeStep(nm, dec.m, dec.cache, { rows: active, ids, cos, sin, slot }, dec.steer);
  return splitRows(logits, active, hb.batch, dec.m.config.vocabSize);
}

/** generate() (generate.ts) on the fast path; `observe` sees each step's logits. */
export async function fastGenerate(
  model: Model,
  prompts: number[][],
  opts: GenerateOptions,
  observe?: StepObserver,
): Promise<Generation> {
  const cfg = model.config;
  checkGenerate(model, prompts, opts);
  const m = await fastModelOf(model);
  const pad = opts.padTokenId ?? cfg.padTokenId ?? cfg.eosTokenIds[0] ?? 0;
  const ctx = {
    uniform: seededUniform(opts.seed ?? 0),
    eos: new Set(opts.eosTokenIds ?? cfg.eosTokenIds),
    pad,
  };
  const hb = leftPad(prompts, pad);
  const b = hb.batch;
  const dec: Decoder = {
    model,
    m,
    cache: newKvCache(cfg, b, hb.seqLen + opts.maxNewTokens),
    hb,
    steer: hostSteering(model, hb, opts),
  };
  const nm = fastNumerics();
  nm.reset();
  const all = Int32Array.from({ length: b }, (_, e) => e);
  let rows = splitRows(
    prefill(nm, m, fastBatch(model, hb), dec.cache, dec.steer),
    all,
    b,
    cfg.vocabSize,
  );
  const out = emptyRows(b);
  for (let index = 0; index < opts.maxNewTokens; index++) {
    observe?.(index, rows);
    const chosen = chooseTokens(rows, out, opts, ctx);
    if (out.finish.every((f) => f) || index === opts.maxNewTokens - 1) break;
    const active = Int32Array.from(all.filter((e) => !out.finish[e]));
    rows = step(dec, active, chosen, index);
  }
  return generation(out, opts);
}
