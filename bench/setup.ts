/**
 * What every benchmark shares: the benchmark model's config, a seeded left-padded batch with a
 * response and a steering spec, the JSON the PyTorch side reads, and timing helpers.
 *
 * Shape legend: B batch, T tokens, D d_model.
 */
import { cpus, loadavg } from "node:os";
import { writeSafetensors, type TensorToWrite } from "../src/io/safetensors.js";
import type { ModelConfig } from "../src/model/config.js";
import { leftPad, type HostBatch } from "../src/model/inputs.js";
import { normalSampler, randomTensors, tinyConfig } from "../test/model/random-model.js";

/** A Llama config (no biases, untied unembedding, RoPE θ = 10000). */
export function llamaConfig(shape: {
  vocab: number;
  dModel: number;
  layers: number;
  heads: number;
  kvHeads: number;
  dMlp: number;
  dHead?: number;
}): ModelConfig {
  return tinyConfig("llama", {
    vocabSize: shape.vocab,
    dModel: shape.dModel,
    nLayers: shape.layers,
    nHeads: shape.heads,
    nKvHeads: shape.kvHeads,
    dHead: shape.dHead ?? shape.dModel / shape.heads,
    dMlp: shape.dMlp,
    maxPositions: 4096,
  });
}

/** One steering step's inputs: a padded batch, its response tokens, where and what to steer. */
export interface StepInputs {
  batch: HostBatch;
  /** [B*T] 1 on response tokens (the last `response` real tokens of each row). */
  responseMask: Uint8Array;
  /** [B*T] 1 on prompt ("user") tokens: the steered positions. */
  positionMask: Float32Array;
  layer: number;
  /** [D] */
  vector: Float32Array;
}

/**
 * B rows of random token ids, row i shorter by `step·i` tokens (so rows carry 0, step, 2·step, …
 * left pads), padded to `seqLen`; each row's last `response` tokens are the response.
 */
export function stepInputs(
  cfg: ModelConfig,
  opts: { batch: number; seqLen: number; response: number; layer: number; seed: number },
): StepInputs {
  const { batch: b, seqLen: t, response } = opts;
  const step = Math.max(0, Math.min(3, Math.floor((t - response - 1) / Math.max(1, b - 1))));
  let a = (opts.seed ^ 0x9e3779b9) >>> 0;
  const uniformInt = (n: number) => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return Math.floor((a / 4294967296) * n);
  };
  const seqs: number[][] = [];
  for (let i = 0; i < b; i++) {
    const len = t - step * i;
    seqs.push(Array.from({ length: len }, () => 3 + uniformInt(cfg.vocabSize - 3)));
  }
  const batch = leftPad(seqs, cfg.padTokenId ?? 0, t);
  const responseMask = new Uint8Array(b * t);
  const positionMask = new Float32Array(b * t);
  for (let i = 0; i < b; i++) {
    for (let j = batch.pads[i]!; j < t; j++) {
      if (j >= t - response) responseMask[i * t + j] = 1;
      else positionMask[i * t + j] = 1;
    }
  }
  const sample = normalSampler(opts.seed + 17, 1);
  const vector = Float32Array.from({ length: cfg.dModel }, () => sample());
  return { batch, responseMask, positionMask, layer: opts.layer, vector };
}

/** The model config as bench/torch_llama.py reads it. */
export function torchConfig(cfg: ModelConfig): Record<string, number | boolean> {
  return {
    vocabSize: cfg.vocabSize,
    dModel: cfg.dModel,
    nLayers: cfg.nLayers,
    nHeads: cfg.nHeads,
    nKvHeads: cfg.nKvHeads,
    dHead: cfg.dHead,
    dMlp: cfg.dMlp,
    normEps: cfg.normEps,
    ropeTheta: cfg.ropeTheta,
    tieEmbeddings: cfg.tieEmbeddings,
  };
}

/** The fields every bench/torch_llama.py inputs file starts with: the config and a padded batch. */
export function torchBatch(cfg: ModelConfig, b: HostBatch) {
  return {
    config: torchConfig(cfg),
    batch: b.batch,
    seqLen: b.seqLen,
    ids: Array.from(b.ids),
    mask: Array.from(b.mask),
    positions: Array.from(b.positions),
  };
}

/**
 * The inputs file that bench/torch_llama.py reads for the forward and steering ops, with `extra`
 * fields for other ops (the lora op's targets, weights and adapter shape).
 */
export function torchInputs(cfg: ModelConfig, s: StepInputs, extra: object = {}): string {
  return JSON.stringify({
    ...torchBatch(cfg, s.batch),
    responseMask: Array.from(s.responseMask),
    positionMask: Array.from(s.positionMask),
    layer: s.layer,
    vector: Array.from(s.vector),
    ...extra,
  });
}

/** Host tensors (HF names) written as one float32 safetensors file, for the torch side. */
export function writeF32Safetensors(
  file: string,
  tensors: Iterable<[string, { shape: number[]; data: Float32Array }]>,
): void {
  const toWrite: Record<string, TensorToWrite> = {};
  for (const [name, t] of tensors) toWrite[name] = { dtype: "F32", shape: t.shape, data: t.data };
  writeSafetensors(file, toWrite);
}

/** The machine as every bench result records it (the load readings are added by each bench). */
export function machineInfo(): { cpu: string | undefined; cores: number; node: string } {
  return { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version };
}

/** The one-line machine summary a bench logs first. */
export function machineLine(load = loadText()): string {
  const m = machineInfo();
  return `cpu: ${m.cpu ?? "?"} × ${m.cores}; node ${m.node}; load ${load}`;
}

export interface Timing {
  median_ms: number;
  min_ms: number;
  runs_ms: number[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs `fn` `warmup` times untimed, then `runs` times timed (each awaited to completion). A `fn`
 * that resolves to a number has timed its own critical part: that number (ms) is taken instead.
 */
export async function time(
  fn: () => Promise<unknown>,
  warmup: number,
  runs: number,
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const own = await fn();
    runsMs.push(typeof own === "number" ? own : performance.now() - t0);
  }
  return { median_ms: median(runsMs), min_ms: Math.min(...runsMs), runs_ms: runsMs };
}

/** Largest |a−b| over max |b| (0 when both are zero), restricted to `keep` indices if given. */
export function relMaxDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  keep?: (i: number) => boolean,
): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    if (keep && !keep(i)) continue;
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Small argv parser: `--name value` and `--flag`; unknown names are an error. */
export function parseArgs<T extends Record<string, string | number | boolean>>(
  argv: readonly string[],
  defaults: T,
): T {
  const out: Record<string, string | number | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const key = arg.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!(key in defaults)) {
      throw new Error(`unknown option ${arg}; known: ${Object.keys(defaults).join(", ")}`);
    }
    const d = defaults[key];
    if (typeof d === "boolean") out[key] = true;
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      out[key] = typeof d === "number" ? Number(v) : v;
      if (typeof d === "number" && !Number.isFinite(out[key])) {
        throw new Error(`${arg} needs a number, got ${v}`);
      }
    }
  }
  return out as T;
}

/** The CPU bench's model and inputs, rebuilt identically from the same options (seeded). */
export interface CpuBenchShape {
  vocab: number;
  dModel: number;
  layers: number;
  heads: number;
  kvHeads: number;
  dMlp: number;
  batch: number;
  seqLen: number;
  response: number;
  layer: number;
  seed: number;
}

export const CPU_DEFAULTS: CpuBenchShape = {
  vocab: 8192,
  dModel: 256,
  layers: 4,
  heads: 8,
  kvHeads: 4,
  dMlp: 688,
  batch: 8,
  seqLen: 64,
  response: 16,
  layer: 0,
  seed: 1,
};

export function benchModelSpec(o: CpuBenchShape): {
  cfg: ModelConfig;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  step: StepInputs;
} {
  const cfg = llamaConfig(o);
  // std 0.02 as HF initialises Llama; norm weights 1 ± 0.02.
  const tensors = randomTensors(cfg, o.seed, 0.02);
  const step = stepInputs(cfg, o);
  return { cfg, tensors, step };
}

/** steeringLossAndGrad's teacher-forcing and steering arguments for one step's inputs. */
export const steerArgs = (s: StepInputs) =>
  [
    { batch: s.batch, responseMask: s.responseMask },
    { layer: s.layer, vector: s.vector, positionMask: s.positionMask },
  ] as const;

/** The load averages (1, 5, 15 min) as text, for the tables' headers. */
export function loadText(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
}

/** A text table: a header row underlined, the first `leftColumns` columns left-aligned. */
export function table(rows: string[][], leftColumns = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) =>
        c < leftColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!),
      );
      return i === 0
        ? `${line.join("  ")}\n${widths.map((w) => "-".repeat(w)).join("  ")}`
        : line.join("  ");
    })
    .join("\n");
}
