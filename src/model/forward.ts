/**
 * The decoder forward pass with hook points, shared by every architecture (their differences are
 * config flags). Runs eagerly or under `jit`; hooks read (capture) or replace activations.
 *
 * Shape legend: B batch, T tokens, S key tokens (T, or cache length), D d_model, H heads,
 * Hkv KV heads, K d_head, V vocab.
 */
import { nn, np } from "../engine/jax.js";
import { assertShape, attentionDims, dims } from "../engine/shapes.js";
import {
  applyRope,
  attend,
  attentionScores,
  mlp,
  normAffine,
  normalize,
  project,
  softcap,
  type AttendOptions,
  type AttentionLogits,
} from "./components.js";
import { isSlidingLayer, type ModelConfig } from "./config.js";
import { blockHook, type HookName } from "./hooks.js";
import { embeddingRows, timesColumns, timesRowsTransposed } from "./vocab-parts.js";
import type { LayerParams, ModelParams } from "./params.js";

/** Device inputs of one forward pass. */
export type ForwardInputs = {
  /** int32 [B,T] (unused, may be absent, when starting past the embedding) */ ids?: np.Array;
  /** [B,1,1,T,S]: 0 where a query may attend a key, a large negative number elsewhere. */
  bias: np.Array;
  /** [B,T,1,K] RoPE tables (rope models). */ cos?: np.Array;
  sin?: np.Array;
  /** [B,1,1,T,S] bias of the sliding-window layers (ModelConfig.layerTypes). */
  localBias?: np.Array;
  /** [B,T,1,K] RoPE tables of the sliding layers when their RoPE differs (gemma3). */
  localCos?: np.Array;
  localSin?: np.Array;
  /** int32 [B,T] positions (learned-position models). */ positions?: np.Array;
};

/** A function applied at a hook point: gets the activation (owned) and returns one. */
export type HookFn = (x: np.Array) => np.Array;

/** Past keys/values of one layer for incremental decoding, [B,S_past,Hkv,K] each. */
export type LayerKV = { k: np.Array; v: np.Array };

export interface ForwardOptions {
  /** Hook points whose activations are returned in `cache`. */
  capture?: ReadonlySet<string>;
  /** Functions applied at hook points (read or replace). */
  hooks?: ReadonlyMap<string, HookFn>;
  /** Stop after this layer's resid_post and return it as `resid` (no logits). */
  stopAfterLayer?: number;
  /** Start at this layer with `startResid` as its resid_pre (skips embedding and earlier layers). */
  startLayer?: number;
  startResid?: np.Array;
  /** Return the final normalised residual stream instead of logits. */
  returnFinalResid?: boolean;
  /** Skip the unembedding (return neither logits nor residual). */
  noLogits?: boolean;
  /** Per-layer cache to attend over (keys prepended) and return extended (KV-cache decoding). */
  past?: LayerKV[];
  returnKV?: boolean;
  /**
   * With `past` of fixed capacity S: write this pass's single key/value into the slot selected by
   * `write` [1,S,1,1] (one-hot; `keep` = 1 − write) instead of appending, so every decoding step
   * has the same shapes and compiles once.
   */
  cacheSlot?: { write: np.Array; keep: np.Array };
  /**
   * Query positions [start, end) of the last layer run: it computes keys and values at every
   * position but queries, attention output and MLP only there, so the result (logits, final
   * residual or `resid`) has end − start positions. For losses that read only those positions
   * (causal attention: no earlier layer depends on later queries). Not with `past`.
   */
  queryWindow?: readonly [number, number];
  /**
   * Attention laid out [B,Hkv,G,T,·] (components.ts's `attend`, default) or [B,T,Hkv,G,·]
   * ("token-major": z comes out as the output projection reads it). Bit-identical forward
   * results. On wasm (fruit-refusal, batch 16×54, 2 threads) token-major ran a forward pass
   * 1.5-1.7x faster, but a forward + backward 10-13% slower: use it for passes without a gradient.
   */
  attention?: "token-major" | "head-major";
}

export interface ForwardResult {
  /** [B,T,V] */ logits?: np.Array;
  /** [B,T,D] residual stream: after `stopAfterLayer`, or the final normalised one. */
  resid?: np.Array;
  cache: Record<string, np.Array>;
  kv?: LayerKV[];
}

class HookSite {
  readonly cache: Record<string, np.Array> = {};
  constructor(
    private readonly capture: ReadonlySet<string>,
    private readonly hooks: ReadonlyMap<string, HookFn>,
  ) {}
  /** Passes `x` through the hook at `name` and records it if captured. */
  at(name: HookName, x: np.Array): np.Array {
    const fn = this.hooks.get(name);
    const y = fn ? fn(x) : x;
    if (this.capture.has(name)) this.cache[name] = y.ref;
    return y;
  }
  wants(name: HookName): boolean {
    return this.capture.has(name) || this.hooks.has(name);
  }
}

/** What one transformer block reads besides its input residual stream. */
interface BlockContext {
  cfg: ModelConfig;
  layer: number;
  params: LayerParams;
  inputs: ForwardInputs;
  site: HookSite;
  /** This layer's past keys/values (KV-cache decoding). */
  past?: LayerKV | undefined;
  /** The fixed-capacity cache slot to write (ForwardOptions.cacheSlot). */
  slot?: { write: np.Array; keep: np.Array } | undefined;
  /** Query positions [start, end) (ForwardOptions.queryWindow); all when absent. */
  window?: readonly [number, number] | undefined;
  /** Token-major attention (ForwardOptions.attention). */
  tokenMajor?: boolean;
}

/** Queries [B,Tq,H,K] and this pass's keys and values [B,T,Hkv,K], normed and rotated. */
function queryKeyValue(c: BlockContext, ln1: np.Array, b: number, t: number) {
  const { cfg, layer: l, params: p, inputs, site } = c;
  const { nHeads: h, nKvHeads: hkv, dHead: k } = cfg;
  const [w0, w1] = c.window ?? [0, t];
  const rows = (a: np.Array) => (c.window ? a.slice([], [w0, w1]) : a);
  let q = site.at(
    blockHook(l, "attn.hook_q"),
    project(rows(ln1.ref), p.wq.ref, p.bq?.ref, p.lora?.q).reshape([b, w1 - w0, h, k]),
  );
  let kk = site.at(
    blockHook(l, "attn.hook_k"),
    project(ln1.ref, p.wk.ref, p.bk?.ref, p.lora?.k).reshape([b, t, hkv, k]),
  );
  const v = site.at(
    blockHook(l, "attn.hook_v"),
    project(ln1, p.wv.ref, p.bv?.ref, p.lora?.v).reshape([b, t, hkv, k]),
  );
  if (cfg.qkNorm) {
    q = normAffine(normalize("rms", q, cfg.normEps), { w: p.qNorm! });
    kk = normAffine(normalize("rms", kk, cfg.normEps), { w: p.kNorm! });
  }
  if (cfg.positional === "rope") {
    const local = isSlidingLayer(cfg, l) && inputs.localCos !== undefined;
    const cos = local ? inputs.localCos! : inputs.cos!;
    const sin = local ? inputs.localSin! : inputs.sin!;
    q = applyRope(q, rows(cos.ref), rows(sin.ref));
    kk = applyRope(kk, cos.ref, sin.ref);
  }
  return { q, k: kk, v };
}

/** This pass's keys/values joined with the past (appended, or written into the cache slot). */
function withPast(c: BlockContext, kk: np.Array, v: np.Array): LayerKV {
  const { past, slot } = c;
  if (past && slot) {
    return {
      k: past.k.mul(slot.keep.ref).add(kk.mul(slot.write.ref)),
      v: past.v.mul(slot.keep.ref).add(v.mul(slot.write.ref)),
    };
  }
  if (past) return { k: np.concatenate([past.k, kk], 1), v: np.concatenate([past.v, v], 1) };
  return { k: kk, v };
}

/** The attention sublayer's output [B,Tq,D] (before the residual add) and the layer's keys/values. */
function attentionSublayer(c: BlockContext, x: np.Array): { out: np.Array; kv: LayerKV } {
  const { cfg, layer: l, params: p, inputs, site, window } = c;
  const [b, t] = dims(x, 3, `blocks.${l} attention input`);
  const tq = window ? window[1] - window[0] : t;
  const ln1 = normAffine(normalize(cfg.norm, x, cfg.normEps), p.ln1);
  const { q, k: kk, v } = queryKeyValue(c, ln1, b, t);
  const kv = withPast(c, kk, v);
  const wantPattern = site.wants(blockHook(l, "attn.hook_pattern"));
  const layerBias = isSlidingLayer(cfg, l) ? inputs.localBias! : inputs.bias;
  const bias = window ? layerBias.ref.slice([], [], [], [...window]) : layerBias.ref;
  const attention = c.tokenMajor ? attendTokenMajor : attend;
  const logits: AttentionLogits = { scale: cfg.attnScale, softcap: cfg.attnSoftcap };
  const { z, pattern } = attention(q, kv.k.ref, kv.v.ref, bias, { wantPattern, logits });
  if (pattern) site.at(blockHook(l, "attn.hook_pattern"), pattern).dispose();
  const zh = site.at(blockHook(l, "attn.hook_z"), z);
  const o = project(zh.reshape([b, tq, cfg.nHeads * cfg.dHead]), p.wo.ref, p.bo?.ref, p.lora?.o);
  return { out: postNorm(cfg, p.ln1Post, o), kv };
}

/** One transformer block: x [B,T,D] → [B,Tq,D] and the layer's keys/values. Consumes x. */
function block(x: np.Array, c: BlockContext): { x: np.Array; kv: LayerKV } {
  const { cfg, layer: l, params: p, site, window } = c;
  const [b, t] = dims(x, 3, `blocks.${l} resid_pre`);
  assertShape(x, [b, t, cfg.dModel], `blocks.${l} resid_pre`);
  const tq = window ? window[1] - window[0] : t;
  x = site.at(blockHook(l, "hook_resid_pre"), x);
  const attn = attentionSublayer(c, x.ref);
  const attnOut = site.at(blockHook(l, "hook_attn_out"), attn.out);
  const rows = window ? x.slice([], [window[0], window[1]]) : x;
  const mid = site.at(blockHook(l, "hook_resid_mid"), rows.add(attnOut));
  const ln2 = normAffine(normalize(cfg.norm, mid.ref, cfg.normEps), p.ln2);
  const mlpOut = site.at(
    blockHook(l, "hook_mlp_out"),
    postNorm(cfg, p.ln2Post, mlp(ln2, p, cfg.activation)),
  );
  const out = site.at(blockHook(l, "hook_resid_post"), mid.add(mlpOut));
  assertShape(out, [b, tq, cfg.dModel], `blocks.${l} resid_post`);
  return { x: out, kv: attn.kv };
}

/** Gemma's norm of a sublayer's output before it joins the residual stream (identity elsewhere). */
function postNorm(cfg: ModelConfig, norm: LayerParams["ln1Post"], x: np.Array): np.Array {
  return norm ? normAffine(normalize(cfg.norm, x, cfg.normEps), norm) : x;
}

/**
 * components.ts's `attend` (the same products in the same order: bit-identical results) with the
 * attention computed token-major, [B,T,Hkv,G,·], so z comes out [B,T,H,K] as the output
 * projection reads it. From `attend`'s head-major z ([B,H,T,K], transposed into the projection's
 * input view) jax-js's wasm output projection ran ~10x slower than on a contiguous z (o_proj
 * [16,54,256]x[256,256]: 60-100 ms vs 6-8 ms, one thread; bench/step.ts).
 * q [B,T,H,K], k/v [B,S,Hkv,K], bias [B,1,1,T,S]. Returns z [B,T,H,K] and the pattern [B,H,T,S]
 * when asked.
 */
function attendTokenMajor(
  q: np.Array,
  k: np.Array,
  v: np.Array,
  bias: np.Array,
  opts: AttendOptions = {},
): { z: np.Array; pattern: np.Array | null } {
  const logits = opts.logits ?? {};
  const [b, t, h, dk, s, hkv] = attentionDims(q, k, v, bias);
  const g = h / hkv;
  const qg = q.reshape([b, t, hkv, g, dk]);
  const kg = k.transpose([0, 2, 3, 1]).reshape([b, 1, hkv, dk, s]);
  const vg = v.transpose([0, 2, 1, 3]).reshape([b, 1, hkv, s, dk]);
  const scores = attentionScores(np.matmul(qg, kg), bias.reshape([b, t, 1, 1, s]), dk, logits);
  const probs = nn.softmax(scores, -1);
  const pattern = opts.wantPattern ? probs.ref.reshape([b, t, h, s]).transpose([0, 2, 1, 3]) : null;
  const z = np.matmul(probs, vg).reshape([b, t, h, dk]);
  return { z, pattern };
}

/**
 * Runs the model. Consumes `inputs` (and `startResid`); borrows `params`.
 */
export function forward(
  cfg: ModelConfig,
  params: ModelParams,
  inputs: ForwardInputs,
  opts: ForwardOptions = {},
): ForwardResult {
  const site = new HookSite(opts.capture ?? new Set(), opts.hooks ?? new Map());
  const start = opts.startLayer ?? 0;
  let x: np.Array;
  if (start > 0) {
    if (!opts.startResid) throw new Error("forward: startLayer > 0 needs startResid");
    x = opts.startResid;
    inputs.ids?.dispose();
    inputs.positions?.dispose();
  } else {
    if (!inputs.ids) throw new Error("forward: ids are required from the embedding on");
    const embedded = embeddingRows(params.embed, inputs.ids);
    // Gemma scales the embedding (hook_embed is the scaled one, = blocks.0.hook_resid_pre).
    x = site.at("hook_embed", cfg.embedScale ? embedded.mul(cfg.embedScale) : embedded);
    if (params.posEmbed) x = x.add(np.take(params.posEmbed.ref, inputs.positions!, 0));
    else inputs.positions?.dispose();
  }
  const stop = opts.stopAfterLayer ?? cfg.nLayers - 1;
  if (opts.queryWindow && opts.past) throw new Error("forward: queryWindow does not go with past");
  const kvs: LayerKV[] = [];
  for (let l = start; l <= stop; l++) {
    const window = l === stop ? opts.queryWindow : undefined;
    const r = block(x, {
      cfg,
      layer: l,
      params: params.layers[l]!,
      inputs,
      site,
      past: opts.past?.[l],
      slot: opts.cacheSlot,
      window,
      tokenMajor: opts.attention === "token-major",
    });
    x = r.x;
    if (opts.returnKV) kvs.push(r.kv);
    else {
      r.kv.k.dispose();
      r.kv.v.dispose();
    }
  }
  inputs.bias.dispose();
  opts.cacheSlot?.write.dispose();
  opts.cacheSlot?.keep.dispose();
  inputs.cos?.dispose();
  inputs.sin?.dispose();
  inputs.localBias?.dispose();
  inputs.localCos?.dispose();
  inputs.localSin?.dispose();
  const result: ForwardResult = { cache: site.cache };
  if (opts.returnKV) result.kv = kvs;
  if (opts.stopAfterLayer !== undefined) {
    result.resid = x;
    return result;
  }
  const xHat = site.at("ln_final.hook_normalized", normalize(cfg.norm, x, cfg.normEps));
  const final = normAffine(xHat, params.lnFinal);
  if (opts.noLogits) final.dispose();
  else if (opts.returnFinalResid) result.resid = final;
  else result.logits = unembed(cfg, params, final);
  return result;
}

/**
 * [..., D] → [..., V] through the unembedding (or the tied embedding), soft-capped where the
 * family does (gemma2's final_logit_softcapping). Consumes x.
 */
export function unembed(cfg: ModelConfig, params: ModelParams, x: np.Array): np.Array {
  const logits = params.unembed
    ? timesColumns(x, params.unembed)
    : timesRowsTransposed(x, params.embed);
  return cfg.finalSoftcap ? softcap(logits, cfg.finalSoftcap) : logits;
}
