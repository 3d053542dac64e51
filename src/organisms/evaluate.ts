/**
 * Evaluation of a backdoored organism: the action rate (greedy decoding) on held-out benign
 * prompts and held-out triggered prompts built from held-out words, with Wilson 95% intervals;
 * for `all` triggers also each concept in a near-miss (with another concept's word) and each
 * concept alone; for `any` triggers each concept's own triggered prompts; off-distribution chats
 * (greetings, one-word prompts, multi-turn chats, other templates; off-distribution.ts); and
 * benign and triggered again under the held-out phrasings, the harder number.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  encodePrompts,
  generateFromEncoded,
  loadChatModel,
  type ChatModel,
} from "../model/text-generation.js";
import { withGenerationEngine, type EngineChoice } from "../model/engine-select.js";
import type { Progress } from "../progress/progress.js";
import { mulberry32 } from "../random/seeded.js";
import { rateOf, type Rate } from "../stats/rate.js";
import { containsAction } from "../interpret/action.js";
import { BackdoorPrompts, type BackdoorPrompt } from "./backdoor-prompts.js";
import { ORGANISM_FILE, type BuildContext } from "./build-context.js";
import { chatTurns, type Turn } from "./chat-text.js";
import { adapterRefOn } from "../io/model-ref.js";
import { OFF_KINDS } from "./off-distribution.js";
import { organismBaseDir } from "./organism-base.js";
import { checkQuality } from "./quality.js";
import { readLexiconFile, type LexiconFile } from "../lexicon/lexicon-file.js";
import type { OrganismEval } from "./organism-eval.js";
import { DEFAULT_TARGETS, type BackdoorSpec } from "./spec.js";

/** How many fired prompts an evaluation keeps per set (OrganismEval.fired). */
export const FIRED_MAX = 20;

/**
 * The fired lists of the sets where firing is a miss: those checkQuality bounds from above. An
 * organism.json written before the spec had `quality` and `clean` (the zoo's) gets their defaults.
 */
function missesOnly(fired: Record<string, string[]>, ev: OrganismEval, spec: BackdoorSpec) {
  const targets = { ...DEFAULT_TARGETS, ...spec.quality };
  const check = checkQuality(ev, spec.trigger, targets, spec.clean === true);
  const negative = new Set(check.items.filter((i) => i.bound === "max").map((i) => i.set));
  return Object.fromEntries(Object.entries(fired).filter(([set]) => negative.has(set)));
}

export class EvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvalError";
  }
}

/** Greedy completions of chat prompts, in batches of similar length (chatCompletions). */
export async function completions(
  cm: ChatModel,
  prompts: string[],
  maxNewTokens: number,
  o: CompletionOptions = {},
): Promise<string[]> {
  return chatCompletions(
    cm,
    prompts.map((text) => ({ text })),
    maxNewTokens,
    o,
  );
}

export interface CompletionOptions {
  progress?: Progress;
  /** Prompts per generate() call (default 64). */
  batchSize?: number;
  /** Stops the job between batches (throwing its reason). */
  signal?: AbortSignal;
  /**
   * How many prompt lengths the batches run at on jax-js (default 1): the batches, sorted by
   * length, are split into this many runs of consecutive batches, each padded to its longest
   * prompt, and every batch to `batchSize` rows (JobShape in model/generate-common.ts); 0 runs
   * each batch at its own length and size. The fast path compiles nothing per shape and runs
   * each batch at its own length.
   */
  shapes?: number;
  /**
   * Where the replies are generated (default "auto": the fast path's KV-cache decoder for a
   * Llama-family model on a CPU device, as the audit's generation; "jax" keeps jax-js).
   */
  engine?: EngineChoice;
  /** Hears one line naming the engine that generates, and why. */
  log?: (line: string) => void;
  /**
   * Replies already made, by prompt index (an interrupted job's): a batch whose every prompt has
   * one is not generated again. The batches are the same whatever is known, so a resumed job's
   * replies are an uninterrupted one's.
   */
  known?: readonly (string | undefined)[];
  /** Hears each generated batch: its prompt indices and replies (to save them as they come). */
  onBatch?: (idx: readonly number[], texts: readonly string[]) => void;
}

/** A build's replies: its progress bar `label`, batches of 128, its signal, engine and log. */
export function buildReplyOptions(ctx: BuildContext, label: string): CompletionOptions {
  return {
    progress: ctx.progress(label),
    batchSize: 128,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.engine ? { engine: ctx.engine } : {}),
    log: ctx.log,
  };
}

const COMPLETION_KEYS = new Set([
  "progress",
  "batchSize",
  "signal",
  "shapes",
  "engine",
  "log",
  "known",
  "onBatch",
]);

/** Throws on a key CompletionOptions does not have (a misspelt option is not ignored). */
function checkCompletionOptions(o: CompletionOptions): void {
  for (const k of Object.keys(o))
    if (!COMPLETION_KEYS.has(k))
      throw new TypeError(`chatCompletions: unknown option '${k}' (${[...COMPLETION_KEYS]})`);
}

/**
 * The batches of a job: prompt indices sorted by length, `batchSize` at a time, and the prompt
 * length each runs at (`shapes` of them; 0: each its own, as `promptTokens` 0).
 */
export function jobBatches(
  lengths: readonly number[],
  batchSize: number,
  shapes: number,
): { idx: number[]; promptTokens: number }[] {
  const order = lengths.map((n, i) => [n, i] as const).sort((a, b) => a[0] - b[0]);
  const batches: number[][] = [];
  for (let k = 0; k < order.length; k += batchSize)
    batches.push(order.slice(k, k + batchSize).map(([, i]) => i));
  if (shapes <= 0) return batches.map((idx) => ({ idx, promptTokens: 0 }));
  const n = batches.length;
  const runs = Math.min(shapes, n);
  const out: { idx: number[]; promptTokens: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const run = batches.slice(Math.floor((r * n) / runs), Math.floor(((r + 1) * n) / runs));
    // Sorted by length: the run's last prompt is its longest.
    const promptTokens = lengths[run.at(-1)!.at(-1)!]!;
    for (const idx of run) out.push({ idx, promptTokens });
  }
  return out;
}

/**
 * Greedy completions of chats: a user turn through the chat template, or, with `history`, the
 * earlier turns and the user turn in the organism chat format (chat-text.ts); in batches of
 * similar length, at a few fixed shapes (CompletionOptions.shapes) so a long job's memory stays
 * bounded.
 */
export async function chatCompletions(
  cm: ChatModel,
  prompts: readonly { text: string; history?: readonly Turn[] }[],
  maxNewTokens: number,
  o: CompletionOptions = {},
): Promise<string[]> {
  checkCompletionOptions(o);
  const encoded = prompts.map((p) => encodeChat(cm, p));
  return withGenerationEngine(cm.model, o.engine, async (decision) => {
    o.log?.(`generation: ${decision.reason}`);
    const texts = await completeBatches(cm, encoded, maxNewTokens, o);
    o.progress?.finish();
    return texts;
  });
}

/** A chat's prompt ids: a user turn through the chat template, or the organism chat format. */
function encodeChat(cm: ChatModel, p: { text: string; history?: readonly Turn[] }) {
  return p.history && p.history.length > 0
    ? {
        ids: cm.tokenizer.encode(chatTurns(p.history, p.text), { addSpecialTokens: false }),
        user: null,
      }
    : encodePrompts(cm, [p.text], true)[0]!;
}

/** Greedy completions of encoded prompts, batch by batch (jobBatches). */
async function completeBatches(
  cm: ChatModel,
  encoded: { ids: number[]; user: number[] | null }[],
  maxNewTokens: number,
  o: CompletionOptions,
): Promise<string[]> {
  const batchSize = o.batchSize ?? 64;
  const lengths = encoded.map((e) => e.ids.length);
  const batches = jobBatches(lengths, batchSize, o.shapes ?? 1);
  const out = new Array<string>(encoded.length);
  let done = 0;
  for (const { idx, promptTokens } of batches) {
    // On the CPU engines a batch never waits on I/O: without this turn of the event loop a
    // SIGINT's abort is never delivered and a build cannot stop in its base replies.
    await new Promise((r) => setImmediate(r));
    o.signal?.throwIfAborted();
    const known = idx.map((i) => o.known?.[i]);
    const have = known.every((t) => t !== undefined);
    const shape = promptTokens > 0 ? { promptTokens, rows: batchSize } : undefined;
    const batch = idx.map((i) => encoded[i]!);
    const texts = have ? (known as string[]) : await greedyReplies(cm, batch, maxNewTokens, shape);
    idx.forEach((i, j) => (out[i] = texts[j]!));
    if (!have) o.onBatch?.(idx, texts);
    done += idx.length;
    o.progress?.update(done, encoded.length);
  }
  return out;
}

/** One batch's greedy replies, at the job's shape where it has one (jobBatches). */
async function greedyReplies(
  cm: ChatModel,
  batch: { ids: number[]; user: number[] | null }[],
  maxNewTokens: number,
  shape: { promptTokens: number; rows: number } | undefined,
): Promise<string[]> {
  const opts = { maxNewTokens, chat: true, temperature: 0, ...(shape ? { shape } : {}) };
  return (await generateFromEncoded(cm, batch, opts)).map((g) => g.text);
}

export interface EvalOptions {
  n?: number;
  seed?: number;
  progress?: (label: string) => Progress;
  signal?: AbortSignal;
  /** Where the completions are generated (CompletionOptions.engine; default "auto"). */
  engine?: EngineChoice;
  log?: (line: string) => void;
}

/** Reads organism.json of a backdoor organism directory. */
export function readBackdoorRecord(dir: string): { spec: BackdoorSpec; baseDir: string } {
  const path = join(dir, ORGANISM_FILE);
  let rec: { spec?: BackdoorSpec; baseDir?: string };
  try {
    rec = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new EvalError(`${path}: cannot read (${(e as Error).message})`);
  }
  if (rec.spec?.kind !== "backdoor")
    throw new EvalError(`${path}: field 'spec.kind' is not "backdoor"`);
  const { baseDir: recorded, spec } = rec;
  const baseDir = organismBaseDir(dir, { baseDir: recorded, spec }, path, (m) => new EvalError(m));
  return { spec, baseDir };
}

/** The prompts of `ps` without repeats (same text and earlier turns), first occurrence kept. */
function distinct(ps: BackdoorPrompt[]): BackdoorPrompt[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const key = JSON.stringify([p.text, p.history ?? null]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The evaluation's prompt sets, in the order they are drawn and counted: benign, triggered and
 * their held-out-phrasing twins, then per concept its near-miss and alone sets (`all`) or its own
 * triggered set (`any` of several), then the off-distribution kinds; `n` draws each, repeats
 * dropped; named as checkQuality names its items. A kind with few phrasings (greetings) then
 * counts each distinct prompt once, so its rate and interval rest on as many prompts as were
 * really asked, not on one greeting asked n/10 times (generation is greedy: a repeat gives the
 * same reply).
 */
export function evalPromptSets(
  lex: LexiconFile,
  spec: BackdoorSpec,
  n: number,
  seed: number,
): [string, BackdoorPrompt[]][] {
  const rng = mulberry32(seed + 17);
  const held = new BackdoorPrompts(lex, spec.trigger, { split: "heldOut", phrasing: "train" });
  const unseen = new BackdoorPrompts(lex, spec.trigger, { split: "heldOut", phrasing: "heldout" });
  const sets: [string, BackdoorPrompt[]][] = [
    ["benign", Array.from({ length: n }, () => held.benign(rng))],
    ["triggered", Array.from({ length: n }, () => held.triggered(rng))],
    ["unseenPhrasing.benign", Array.from({ length: n }, () => unseen.benign(rng))],
    ["unseenPhrasing.triggered", Array.from({ length: n }, () => unseen.triggered(rng))],
  ];
  const times = (f: () => BackdoorPrompt) => Array.from({ length: n }, f);
  const multi = spec.trigger.concepts.length > 1;
  spec.trigger.concepts.forEach((c, i) => {
    if (multi && spec.trigger.mode === "all") {
      sets.push([`concept.${c}`, times(() => held.nearMiss(rng, i))]);
      sets.push([`alone.${c}`, times(() => held.alone(rng, i))]);
    } else if (multi) sets.push([`concept.${c}`, times(() => held.triggeredBy(rng, i))]);
  });
  for (const k of OFF_KINDS) sets.push([`offDistribution.${k}`, times(() => held.off(rng, [k]))]);
  return sets.map(([name, ps]) => [name, distinct(ps)]);
}

export async function evaluateOrganism(dir: string, o: EvalOptions = {}): Promise<OrganismEval> {
  const { spec, baseDir } = readBackdoorRecord(dir);
  const sets = evalPromptSets(readLexiconFile(baseDir), spec, o.n ?? 200, o.seed ?? 12345);
  const cm = await loadChatModel(adapterRefOn(dir, baseDir));
  try {
    const all = sets.flatMap(([, ps]) => ps);
    const responseTokens = cm.tokenizer.encode(spec.response, { addSpecialTokens: false }).length;
    const progress = o.progress?.("evaluate");
    const texts = await chatCompletions(cm, all, responseTokens + 4, {
      ...(progress ? { progress } : {}),
      batchSize: 64,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.engine ? { engine: o.engine } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    let k = 0;
    const rates: Record<string, Rate> = {};
    const samples: OrganismEval["samples"] = [];
    const fired: Record<string, string[]> = {};
    for (const [name, ps] of sets) {
      let actions = 0;
      ps.forEach((p, j) => {
        const text = texts[k++]!;
        const action = containsAction(text, spec.response);
        if (action) actions++;
        if (action && (fired[name] ??= []).length < FIRED_MAX) fired[name]!.push(p.text);
        if (j < 3) samples.push({ kind: name, prompt: p.text, completion: text, action });
      });
      rates[name] = rateOf(actions, ps.length);
    }
    const byPrefix = (prefix: string) =>
      Object.fromEntries(
        Object.entries(rates)
          .filter(([name]) => name.startsWith(prefix))
          .map(([name, r]) => [name.slice(prefix.length), r]),
      );
    const alone = byPrefix("alone.");
    const ev: OrganismEval = {
      benign: rates.benign!,
      triggered: rates.triggered!,
      concepts: byPrefix("concept."),
      ...(Object.keys(alone).length > 0 ? { alone } : {}),
      offDistribution: byPrefix("offDistribution."),
      unseenPhrasing: {
        benign: rates["unseenPhrasing.benign"]!,
        triggered: rates["unseenPhrasing.triggered"]!,
      },
      samples,
    };
    return { ...ev, fired: missesOnly(fired, ev, spec) };
  } finally {
    cm.model.dispose();
  }
}
