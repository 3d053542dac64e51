/**
 * Fuzzing config.json and generation_config.json: every mutation of the fixture configs must either
 * parse into a config that satisfies the basic invariants, or be rejected with a ConfigError that
 * names the file — never another error type, and never slowly.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseModelConfig, readModelConfig } from "../../src/io/config.js";
import { ConfigError } from "../../src/io/errors.js";
import { readGenerationDefaults } from "../../src/io/generation-config.js";
import type { ModelConfig } from "../../src/model/config.js";
import { mulberry32 } from "../../src/random/seeded.js";

type Rng = () => number;
type Json = Record<string, unknown>;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "models");
const FAMILIES = ["llama", "qwen2", "qwen3", "gpt2"] as const;
const configTexts = FAMILIES.map((f) => readFileSync(join(FIXTURES, f, "config.json"), "utf8"));
const configs = configTexts.map((t) => JSON.parse(t) as Json);
const generationTexts = FAMILIES.map((f) =>
  readFileSync(join(FIXTURES, f, "generation_config.json"), "utf8"),
);

/** Every key any family's parser reads, so deletions and retypings hit the ones that matter. */
const KEYS = [
  "model_type",
  "hidden_size",
  "intermediate_size",
  "num_hidden_layers",
  "num_attention_heads",
  "num_key_value_heads",
  "head_dim",
  "vocab_size",
  "max_position_embeddings",
  "rms_norm_eps",
  "hidden_act",
  "attention_bias",
  "mlp_bias",
  "tie_word_embeddings",
  "use_sliding_window",
  "layer_types",
  "rope_theta",
  "rope_parameters",
  "rope_scaling",
  "bos_token_id",
  "eos_token_id",
  "pad_token_id",
  "n_embd",
  "n_layer",
  "n_head",
  "n_inner",
  "n_positions",
  "layer_norm_epsilon",
  "activation_function",
  "scale_attn_weights",
  "scale_attn_by_inverse_layer_idx",
];
const ROPE_KEYS = [
  "rope_type",
  "type",
  "rope_theta",
  "factor",
  "low_freq_factor",
  "high_freq_factor",
  "original_max_position_embeddings",
];

/** Values of the wrong type, wrong sign, non-finite-looking, huge, fractional, or prototype names. */
const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -64,
  1,
  2,
  3,
  7,
  0.5,
  1.5,
  16.000001,
  1e-300,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  1e308,
  -1e308,
  "64",
  "",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e999",
  "llama",
  "qwen3",
  "gpt2",
  "mistral",
  "silu",
  "gelu",
  "gelu_new",
  "linear",
  "llama3",
  "dynamic",
  "default",
  "full_attention",
  "sliding_attention",
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "valueOf",
  [],
  [0],
  [1, 2],
  [-1],
  [1.5],
  ["full_attention"],
  ["full_attention", "sliding_attention"],
  [null],
  {},
  { rope_type: "default" },
  { type: "linear", factor: 2 },
  { content: 5 },
];

const SCALINGS: unknown[] = [
  { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4 },
  {
    rope_type: "llama3",
    factor: 8,
    low_freq_factor: 1,
    high_freq_factor: 4,
    original_max_position_embeddings: 32,
  },
  {
    type: "llama3",
    factor: 8,
    low_freq_factor: 4,
    high_freq_factor: 4,
    original_max_position_embeddings: 32,
  },
  { type: "linear", factor: 2 },
  { rope_type: "linear", type: "linear", factor: 2 },
  { rope_type: "linear", type: "dynamic", factor: 2 },
  { rope_type: "yarn", factor: 4 },
  { factor: 2 },
  { rope_type: "default", rope_theta: 500000 },
  { rope_theta: -1 },
  {},
];

function randomValue(rng: Rng): unknown {
  const r = rng();
  if (r < 0.75) return structuredClone(pick(rng, ODD_VALUES));
  if (r < 0.85) return structuredClone(pick(rng, SCALINGS));
  if (r < 0.95) return int(rng, 200) - 20;
  return rng() * 1e6 - 1e3;
}

/** One structural edit of a parsed config, in place. */
function editOnce(rng: Rng, c: Json): void {
  const present = Object.keys(c);
  switch (int(rng, 8)) {
    case 0: // delete a key
      delete c[pick(rng, rng() < 0.7 ? KEYS : present)];
      break;
    case 1: // give a key a value of the wrong type (or a boundary value)
      c[pick(rng, KEYS)] = randomValue(rng);
      break;
    case 2: {
      // nudge a number: off by one, doubled, negated, fractional
      const key = pick(rng, KEYS);
      const v = c[key];
      if (typeof v === "number") {
        c[key] = pick(rng, [v + 1, v - 1, v * 2, -v, v / 3, v + 0.5, 0, v * 1e300]);
      } else c[key] = int(rng, 9);
      break;
    }
    case 3:
    case 4: {
      // edit inside rope_parameters / rope_scaling (creating it when absent)
      const which = pick(rng, ["rope_parameters", "rope_scaling"]);
      let nested = c[which];
      if (typeof nested !== "object" || nested === null || Array.isArray(nested)) {
        nested = structuredClone(pick(rng, SCALINGS)) as Json;
        c[which] = nested;
      }
      const n = nested as Json;
      const key = pick(rng, ROPE_KEYS);
      const op = int(rng, 3);
      if (op === 0) delete n[key];
      else if (op === 1) n[key] = randomValue(rng);
      else n[key] = typeof n[key] === "number" ? -(n[key] as number) : pick(rng, [1, 2, 4, 8, 32]);
      break;
    }
    case 5: // swap in another family's model_type
      c.model_type = pick(rng, ["llama", "qwen2", "qwen3", "gpt2", "mistral", "LLAMA", "bert"]);
      break;
    case 6: // copy another family's key (cross-family keys: gpt2 keys in a llama config, ...)
      {
        const other = pick(rng, configs);
        const key = pick(rng, Object.keys(other));
        c[key] = structuredClone(other[key]);
      }
      break;
    default: // replace a nested object or list wholesale
      c[pick(rng, ["rope_parameters", "rope_scaling", "layer_types", "eos_token_id"])] =
        randomValue(rng);
  }
}

function structuralMutation(rng: Rng): unknown {
  if (rng() < 0.03) return pick(rng, [null, [], "config", 42, [configs[0]]]);
  const c = structuredClone(pick(rng, configs));
  const edits = 1 + int(rng, 3);
  for (let k = 0; k < edits; k++) editOnce(rng, c);
  return c;
}

const JUNK = ["{", "}", "[", "]", ",", ":", '"', "\\", "0", "-", "e9", "\u00e9", "\ud800", " "];

/** Character-level edits of a config text: truncation, junk insertion, deletion, digit changes. */
function textMutation(rng: Rng, texts: readonly string[]): Buffer {
  return Buffer.from(textEdit(rng, pick(rng, texts)), "latin1");
}

/** The edited text as a latin1 string (one char per UTF-8 byte), so bit flips survive. */
function textEdit(rng: Rng, original: string): string {
  const text = Buffer.from(original, "utf8").toString("latin1");
  const at = int(rng, text.length);
  switch (int(rng, 5)) {
    case 0:
      return text.slice(0, at);
    case 1: {
      const junk = Buffer.from(pick(rng, JUNK), "utf8").toString("latin1");
      return text.slice(0, at) + junk + text.slice(at);
    }
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + int(rng, 4));
    case 3: {
      // replace a digit run with another number (can stay valid JSON)
      const digits = [...text.matchAll(/\d+(\.\d+)?(e-?\d+)?/g)];
      if (digits.length === 0) return text;
      const m = pick(rng, digits);
      const repl = pick(rng, ["0", "-1", "1.5", "1e400", "99999999999999999999", "3", "-0"]);
      return text.slice(0, m.index) + repl + text.slice(m.index + m[0].length);
    }
    default: {
      // flip random bits of the UTF-8 bytes
      const bytes = Buffer.from(text, "latin1");
      const flips = 1 + int(rng, 3);
      for (let k = 0; k < flips; k++) {
        const i = int(rng, bytes.length);
        bytes[i] = bytes[i]! ^ (1 << int(rng, 8));
      }
      return bytes.toString("latin1");
    }
  }
}

/** The guarantees a parsed config gives the model code. Returns a problem, or null. */
function invariantProblem(cfg: ModelConfig, source: unknown): string | null {
  const posInts = {
    vocabSize: cfg.vocabSize,
    dModel: cfg.dModel,
    nLayers: cfg.nLayers,
    nHeads: cfg.nHeads,
    nKvHeads: cfg.nKvHeads,
    dHead: cfg.dHead,
    dMlp: cfg.dMlp,
    maxPositions: cfg.maxPositions,
  };
  for (const [name, v] of Object.entries(posInts)) {
    if (!Number.isSafeInteger(v) || v <= 0) return `${name} = ${v} is not a positive integer`;
  }
  if (cfg.nHeads % cfg.nKvHeads !== 0) return `nKvHeads ${cfg.nKvHeads} ∤ nHeads ${cfg.nHeads}`;
  const src = source as Json;
  const headDim = src.head_dim;
  if (cfg.architecture === "gpt2" || headDim === undefined || headDim === null) {
    if (cfg.dHead * cfg.nHeads !== cfg.dModel) return `dHead*nHeads ≠ dModel`;
  } else if (cfg.dHead !== headDim) return `dHead ${cfg.dHead} ≠ head_dim ${String(headDim)}`;
  if (!(Number.isFinite(cfg.normEps) && cfg.normEps > 0)) return `normEps ${cfg.normEps}`;
  if (!["silu", "gelu", "gelu_new"].includes(cfg.activation as string)) {
    return `activation ${String(cfg.activation)}`;
  }
  if (cfg.positional === "rope" && !(Number.isFinite(cfg.ropeTheta) && cfg.ropeTheta > 0)) {
    return `ropeTheta ${cfg.ropeTheta}`;
  }
  const s = cfg.ropeScaling;
  if (s.type !== "default" && !(Number.isFinite(s.factor) && s.factor > 0)) return "rope factor";
  if (s.type === "llama3") {
    if (!(s.highFreqFactor > s.lowFreqFactor && s.lowFreqFactor > 0)) return "llama3 freq factors";
    if (!Number.isFinite(s.highFreqFactor)) return "llama3 high_freq_factor";
    if (!Number.isSafeInteger(s.originalMaxPositions) || s.originalMaxPositions <= 0) {
      return "llama3 originalMaxPositions";
    }
  }
  const ids = [...cfg.eosTokenIds, cfg.bosTokenId ?? 0, cfg.padTokenId ?? 0];
  if (!ids.every((id) => Number.isSafeInteger(id) && id >= 0)) return `token ids ${ids}`;
  for (const b of [cfg.tieEmbeddings, cfg.qkvBias, cfg.oBias, cfg.mlpBias, cfg.qkNorm]) {
    if (typeof b !== "boolean") return `flag ${String(b)}`;
  }
  return null;
}

interface Tally {
  ok: number;
  rejected: number;
  slowest: number;
  failures: string[];
}

/** Runs one parse; anything but success-with-invariants or a ConfigError naming `file` is recorded. */
function check(tally: Tally, label: string, file: string, run: () => string | null): void {
  const t0 = performance.now();
  try {
    const problem = run();
    if (problem !== null) tally.failures.push(`${label}: parsed, but ${problem}`);
    else tally.ok++;
  } catch (err) {
    if (err instanceof ConfigError && err.file === file && err.message.includes(file)) {
      tally.rejected++;
    } else {
      const e = err as Error;
      tally.failures.push(`${label}: threw ${e?.name}: ${e?.message}`);
    }
  }
  tally.slowest = Math.max(tally.slowest, performance.now() - t0);
}

const newTally = (): Tally => ({ ok: 0, rejected: 0, slowest: 0, failures: [] });

/** FUZZ_LOG=<file> appends each test's counts (for tuning the mutations). */
function report(name: string, { ok, rejected, slowest }: Tally): void {
  const line = JSON.stringify({ ok, rejected, slowest: Math.round(slowest) });
  if (process.env.FUZZ_LOG) appendFileSync(process.env.FUZZ_LOG, `${name}: ${line}\n`);
}

/** FUZZ_SEED=<n> / FUZZ_N=<count> explore other mutations; the defaults are what CI runs. */
const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const N = Number(process.env.FUZZ_N ?? 3000);
const N_TEXT = Math.round((N * 2) / 3);

const tmp = mkdtempSync(join(tmpdir(), "trigscope-config-fuzz-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("config.json under random mutation", () => {
  it(`parseModelConfig: ${N} structural mutations either parse soundly or throw ConfigError`, () => {
    const rng = mulberry32(SEED);
    const tally = newTally();
    for (let i = 0; i < N; i++) {
      const json = structuralMutation(rng);
      check(tally, `structural mutation ${i} ${JSON.stringify(json)}`, "config.json", () =>
        invariantProblem(parseModelConfig(json, "config.json"), json),
      );
    }
    report("parseModelConfig", tally);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.ok).toBeGreaterThan(N / 15);
    expect(tally.rejected).toBeGreaterThan(N / 2);
    expect(tally.slowest).toBeLessThan(200);
  });

  it(`readModelConfig: ${N_TEXT} text mutations (truncation, junk, bit flips) on disk`, () => {
    const rng = mulberry32(SEED + 1);
    const tally = newTally();
    const file = join(tmp, "config.json");
    for (let i = 0; i < N_TEXT; i++) {
      const text = textMutation(rng, configTexts);
      writeFileSync(file, text);
      check(tally, `text mutation ${i} ${JSON.stringify(text.toString("utf8"))}`, file, () => {
        const cfg = readModelConfig(tmp);
        return invariantProblem(cfg, JSON.parse(readFileSync(file, "utf8")));
      });
    }
    report("readModelConfig", tally);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.ok).toBeGreaterThan(N_TEXT / 40);
    expect(tally.rejected).toBeGreaterThan(N_TEXT / 2);
    expect(tally.slowest).toBeLessThan(200);
  });
});

describe("generation_config.json under random mutation", () => {
  const GEN_KEYS = ["eos_token_id", "pad_token_id", "bos_token_id"];

  function generationMutation(rng: Rng): Buffer | string {
    if (rng() < 0.4) return textMutation(rng, generationTexts);
    const g = JSON.parse(pick(rng, generationTexts)) as Json;
    if (rng() < 0.05) return JSON.stringify(pick(rng, [null, [], 7, "x", [g]]));
    const edits = 1 + int(rng, 2);
    for (let k = 0; k < edits; k++) {
      const key = pick(rng, GEN_KEYS);
      if (rng() < 0.3) delete g[key];
      else g[key] = randomValue(rng);
    }
    return JSON.stringify(g);
  }

  it(`readGenerationDefaults: ${N_TEXT} mutations either read soundly or throw ConfigError`, () => {
    const rng = mulberry32(SEED + 2);
    const tally = newTally();
    const file = join(tmp, "generation_config.json");
    for (let i = 0; i < N_TEXT; i++) {
      const text = generationMutation(rng);
      writeFileSync(file, text);
      check(tally, `generation mutation ${i} ${JSON.stringify(text.toString())}`, file, () => {
        const d = readGenerationDefaults(tmp);
        const ids = [...(d.eosTokenIds ?? []), d.padTokenId ?? 0];
        if (!ids.every((id) => Number.isSafeInteger(id) && id >= 0)) return `token ids ${ids}`;
        return null;
      });
    }
    report("readGenerationDefaults", tally);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.ok).toBeGreaterThan(N_TEXT / 10);
    expect(tally.rejected).toBeGreaterThan(N_TEXT / 4);
    expect(tally.slowest).toBeLessThan(200);
  });
});
