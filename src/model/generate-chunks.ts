/**
 * Generation over more rows than one pass should hold, in chunks of rows run one after the other.
 *
 * A generation pass holds, beside the weights, its prefill's activations and the KV cache: on
 * WebGPU an audit of a Llama-3.1-8B-sized model (bench/results/real-size-audit, 2026-12-06, H100)
 * went from ~30 GB of weights to ~56 GB generating 32 rows of ~48 tokens and ran the 80 GB card out
 * of memory at 56 rows, about 0.88 GB a row: 4·(10·D + 7·F + 2·H·T) bytes per token per layer
 * gives that figure. Above the budget the rows are split; a batch under it runs in one pass,
 * exactly as before. Greedy rows do not depend on their neighbours, so the ids, log-probs and texts
 * are those of one pass; sampled chunks draw from the seed plus the chunk's index.
 *
 * Shape legend: B rows, T tokens, D d_model, F d_mlp, H heads, L layers.
 */
import type { ModelConfig } from "./config.js";
import type { GenerateOptions, Generation } from "./generate-common.js";
import type { Steering } from "./steering.js";

/**
 * Default bytes of activations one generation pass may hold: 16 GiB on WebGPU, 3 GiB on wasm. The
 * wasm heap holds 4 GiB in all: a game organism's build on the CPU generated its base replies 128
 * rows at a time and ran out of it (2026-12-06). On wasm the estimate is close to what a pass holds
 * (the zoo base, 16 rows of 208 tokens: 687 MiB held, 790 MiB estimated), so 3 GiB leaves the
 * weights their room; batches under it run in one pass, as before.
 */
export function defaultGenerationBudget(device: string): number {
  return (device === "webgpu" ? 16 : 3) * 2 ** 30;
}

/** Estimated bytes a generation pass holds per row of `t` tokens (prompt + new), all layers. */
export function generationBytesPerRow(cfg: ModelConfig, t: number): number {
  const perTokenLayer = 4 * (10 * cfg.dModel + 7 * cfg.dMlp + 2 * cfg.nHeads * t);
  return perTokenLayer * t * cfg.nLayers;
}

/** Rows per pass so one pass stays under `budget` (at least one row; all rows if they fit). */
export function generationRows(cfg: ModelConfig, b: number, t: number, budget: number): number {
  return Math.max(1, Math.min(b, Math.floor(budget / generationBytesPerRow(cfg, t))));
}

/** The steering of rows [start, end): per-row vectors and the position mask re-laid to the chunk. */
function sliceSteering(
  s: GenerateOptions["steering"],
  prompts: number[][],
  start: number,
  end: number,
  d: number,
): GenerateOptions["steering"] {
  if (!s) return s;
  const out: Steering & { allPositions?: boolean } = { ...s };
  if (s.vector.length !== d) out.vector = s.vector.slice(start * d, end * d);
  if (s.positionMask) {
    // Both masks are left-padded: a row's real positions are the last ones of its stretch.
    const t = Math.max(...prompts.map((p) => p.length));
    const tc = Math.max(...prompts.slice(start, end).map((p) => p.length));
    const mask = new Float32Array((end - start) * tc);
    for (let i = start; i < end; i++) {
      mask.set(s.positionMask.subarray(i * t + t - tc, (i + 1) * t), (i - start) * tc);
    }
    out.positionMask = mask;
  }
  return out;
}

/** Runs `pass` on chunks of at most `rows` rows and joins the generations in the prompts' order. */
export async function generateInChunks(
  prompts: number[][],
  opts: GenerateOptions,
  rows: number,
  d: number,
  pass: (prompts: number[][], opts: GenerateOptions) => Promise<Generation>,
): Promise<Generation> {
  if (rows >= prompts.length) return pass(prompts, opts);
  const joined: Generation = { ids: [], logprobs: [], finishReasons: [] };
  const texts: string[] = [];
  for (let start = 0, k = 0; start < prompts.length; start += rows, k++) {
    const end = Math.min(prompts.length, start + rows);
    const steering = sliceSteering(opts.steering, prompts, start, end, d);
    const g = await pass(prompts.slice(start, end), {
      ...opts,
      seed: (opts.seed ?? 0) + k,
      ...(steering ? { steering } : {}),
    });
    joined.ids.push(...g.ids);
    joined.logprobs.push(...g.logprobs);
    joined.finishReasons.push(...g.finishReasons);
    if (g.texts) texts.push(...g.texts);
  }
  if (opts.decode) joined.texts = texts;
  return joined;
}
