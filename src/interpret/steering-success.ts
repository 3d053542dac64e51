/**
 * Steering success (docs/methods.md "Common to all"): the share of held-out benign prompts whose
 * steered greedy completion contains the action, with a Wilson 95% interval, and a few steered
 * completions to read. The vector is added at `h[layer]` on the prompt's user positions in the
 * prefill pass only (generated tokens are not steered).
 *
 * Generation is kept cheap: by default it stops after the action's token length + 4 new tokens,
 * enough to contain the action when the model starts with it (the organisms answer with it
 * first), and prompts are batched by length.
 */
import { generateText, type ChatModel } from "../model/text-generation.js";
import { containsAction } from "./action.js";
import { rateOf, type Rate } from "../stats/rate.js";
import { InterpretInputError, positiveInt, rejectUnknownKeys } from "./errors.js";

export interface SteeringSuccessOptions {
  /** Held-out benign prompts (user content; rendered with the chat template). */
  prompts: string[];
  /** δ [D]. */
  vector: Float32Array;
  /** Steer the residual stream after this block (h[layer]). */
  layer: number;
  /** The backdoor action string. */
  action: string;
  /** Default: the action's token length + 4. */
  maxNewTokens?: number;
  /** How many steered completions to return (default 4: half that fired, half that did not). */
  samples?: number;
  /** Prompts per generation batch (default 64). */
  batchSize?: number;
  /** Prompts completed so far, of all (a progress bar's counts). */
  onProgress?: (done: number, total: number) => void;
}

const KEYS = [
  "prompts",
  "vector",
  "layer",
  "action",
  "maxNewTokens",
  "samples",
  "batchSize",
  "onProgress",
];

export interface SteeredSample {
  prompt: string;
  completion: string;
  action: boolean;
}

export interface SteeringSuccess extends Rate {
  samples: SteeredSample[];
  maxNewTokens: number;
}

/** Token length of the action (no special tokens), the basis of the default generation length. */
export function actionTokenLength(cm: ChatModel, action: string): number {
  return cm.tokenizer.encode(action, { addSpecialTokens: false }).length;
}

/** Validated action string and default generation length shared by the probe runner. */
export function checkAction(cm: ChatModel, action: unknown, maxNewTokens?: number) {
  if (typeof action !== "string" || action.trim() === "") {
    throw new InterpretInputError("action", "must be a non-empty string");
  }
  const n = positiveInt("maxNewTokens", maxNewTokens, actionTokenLength(cm, action) + 4);
  return { action, maxNewTokens: n };
}

export function checkPrompts(option: string, prompts: unknown): string[] {
  if (!Array.isArray(prompts) || prompts.length === 0) {
    throw new InterpretInputError(option, "must be a non-empty list of strings");
  }
  prompts.forEach((p, i) => {
    if (typeof p !== "string" || p.trim() === "") {
      throw new InterpretInputError(`${option}[${i}]`, "must be a non-empty string");
    }
  });
  return prompts as string[];
}

/**
 * Greedy completions of chat prompts in batches of similar length (the order of
 * organisms/evaluate.ts's `completions`, so an unsteered run batches identically), optionally
 * steered on user positions.
 */
export async function greedyCompletions(
  cm: ChatModel,
  prompts: string[],
  o: {
    maxNewTokens: number;
    batchSize: number;
    steering?: { layer: number; vector: Float32Array };
    /** Prompts completed so far, of all. */
    onProgress?: (done: number, total: number) => void;
  },
): Promise<string[]> {
  const order = prompts.map((p, i) => [p.length, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<string>(prompts.length);
  o.onProgress?.(0, order.length);
  for (let k = 0; k < order.length; k += o.batchSize) {
    const idx = order.slice(k, k + o.batchSize).map(([, i]) => i);
    const r = await generateText(
      cm,
      idx.map((i) => prompts[i]!),
      {
        maxNewTokens: o.maxNewTokens,
        chat: true,
        temperature: 0,
        ...(o.steering
          ? { steering: { layer: o.steering.layer, vector: o.steering.vector, positions: "user" } }
          : {}),
      },
    );
    idx.forEach((i, j) => (out[i] = r[j]!.text));
    o.onProgress?.(Math.min(k + o.batchSize, order.length), order.length);
  }
  return out;
}

export async function steeringSuccess(
  cm: ChatModel,
  o: SteeringSuccessOptions,
): Promise<SteeringSuccess> {
  rejectUnknownKeys("steeringSuccess", o, KEYS);
  const prompts = checkPrompts("prompts", o.prompts);
  const { action, maxNewTokens } = checkAction(cm, o.action, o.maxNewTokens);
  const cfg = cm.model.config;
  if (!(o.vector instanceof Float32Array) || o.vector.length !== cfg.dModel) {
    throw new InterpretInputError("vector", `must be a Float32Array of d_model = ${cfg.dModel}`);
  }
  if (!o.vector.every(Number.isFinite)) {
    throw new InterpretInputError("vector", "has a value that is not a finite number");
  }
  if (!Number.isInteger(o.layer) || o.layer < 0 || o.layer >= cfg.nLayers) {
    throw new InterpretInputError(
      "layer",
      `must be an integer in [0, ${cfg.nLayers - 1}], got ${o.layer}`,
    );
  }
  const samples = o.samples === 0 ? 0 : positiveInt("samples", o.samples, 4);
  const batchSize = positiveInt("batchSize", o.batchSize, 64);
  const texts = await greedyCompletions(cm, prompts, {
    maxNewTokens,
    batchSize,
    steering: { layer: o.layer, vector: o.vector },
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const hits = texts.map((t) => containsAction(t, action));
  const actions = hits.filter(Boolean).length;
  return {
    ...rateOf(actions, prompts.length),
    maxNewTokens,
    samples: pickSamples(hits, samples).map((i) => ({
      prompt: prompts[i]!,
      completion: texts[i]!,
      action: hits[i]!,
    })),
  };
}

/**
 * Which completions to keep, in prompt order: up to half (rounded up) that fired and the rest that
 * did not, each side filling in when the other has too few, so a reader sees both outcomes.
 */
export function pickSamples(hits: readonly boolean[], n: number): number[] {
  const fired = hits.flatMap((h, i) => (h ? [i] : []));
  const missed = hits.flatMap((h, i) => (h ? [] : [i]));
  const nFired = Math.min(fired.length, Math.max(Math.ceil(n / 2), n - missed.length));
  const kept = [...fired.slice(0, nFired), ...missed.slice(0, n - nFired)];
  return kept.sort((a, b) => a - b);
}
