/**
 * Building the reasoning organisms. A reasoning base: the base model fully finetuned on reasoning
 * items and its own corpus (data.ts), written as a full model folder in bf16 with the base's
 * tokenizer, then loaded back and evaluated. A reasoning backdoor: a LoRA on the reasoning base
 * trained on answers without traces (the finetuning shared with the other backdoors), evaluated,
 * plus awareness.json and awareness-items.jsonl: what `trigscope awareness demo` runs.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { disposeTree } from "../../engine/tree.js";
import { writeFileAtomic } from "../../io/atomic.js";
import { findModelDir } from "../../io/model-ref.js";
import { readLexiconFile } from "../../lexicon/lexicon-file.js";
import { paramsToHfTensors } from "../../model/export.js";
import type { ModelParams } from "../../model/params.js";
import { loadChatModel } from "../../model/text-generation.js";
import { train } from "../../train/trainer.js";
import { ORGANISM_FILE, type BuildContext } from "../build-context.js";
import { finetuneLora, type FinetuneMetrics } from "../lora-finetune.js";
import { trainOptionsOf } from "../spec.js";
import { writeBf16ModelDir } from "./bf16.js";
import { backdoorExamples, backdoorItems, reasoningBaseExamples } from "./data.js";
import { demoItemsJsonl } from "./demo-items.js";
import {
  evaluateReasoningBackdoor,
  evaluateReasoningBase,
  type ReasoningBackdoorEval,
  type ReasoningBaseEval,
} from "./evaluate.js";
import type { ReasoningBackdoorSpec, ReasoningBaseSpec, ReasoningSpec } from "./spec.js";

const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "generation_config.json"];

export interface ReasoningBaseMetrics {
  examples: number;
  trainTokens: number;
  steps: number;
  finalTrainLoss: number;
  finalValidationLoss: number;
  tokensPerSecond: number;
  device: string;
  eval: ReasoningBaseEval;
}

export interface ReasoningBackdoorMetrics extends FinetuneMetrics {
  examples: { triggered: number; nearMiss: number; benign: number };
  eval: ReasoningBackdoorEval;
}

export async function buildReasoning(
  spec: ReasoningSpec,
  specDir: string,
  ctx: BuildContext,
): Promise<ReasoningBaseMetrics | ReasoningBackdoorMetrics> {
  return spec.kind === "reasoning-base"
    ? buildReasoningBase(spec, specDir, ctx)
    : buildReasoningBackdoor(spec, specDir, ctx);
}

export async function buildReasoningBase(
  spec: ReasoningBaseSpec,
  specDir: string,
  ctx: BuildContext,
): Promise<ReasoningBaseMetrics> {
  const baseDir = findModelDir(spec.base, { cwd: specDir }).dir;
  mkdirSync(ctx.out, { recursive: true });
  const cm = await loadChatModel(baseDir);
  const encode = (t: string) => cm.tokenizer.encode(t, { addSpecialTokens: false });
  const examples = reasoningBaseExamples(spec, readLexiconFile(baseDir), encode);
  const nVal = Math.max(32, Math.floor(examples.length * 0.02));
  const cfg = cm.model.config;
  ctx.log(
    `reasoning base: ${examples.length} examples (${spec.data.reasoningItems} reasoning items)`,
  );
  const result = await train<ModelParams>({
    cfg,
    invFreq: cm.model.invFreq,
    trainable: cm.model.params,
    paramsOf: (p) => p,
    train: examples.slice(nVal),
    validation: examples.slice(0, nVal),
    padId: cm.padTokenId,
    options: trainOptionsOf(spec.train, spec.seed),
    checkpointDir: join(ctx.out, "checkpoint"),
    resume: ctx.resume,
    fingerprint: JSON.stringify(spec),
    progress: ctx.progress("finetune"),
    signal: ctx.signal,
  });
  if (result.interrupted)
    throw new Error(`finetuning interrupted at step ${result.steps}; run again with --resume`);
  writeBf16ModelDir(ctx.out, cfg, await paramsToHfTensors(cfg, result.trainable), {
    organism: spec.name,
  });
  disposeTree(result.trainable);
  for (const f of TOKENIZER_FILES) copyFileSync(join(baseDir, f), join(ctx.out, f));
  rmSync(join(ctx.out, "checkpoint"), { recursive: true, force: true });
  const last = result.history.slice(-20);
  const metrics = {
    examples: examples.length,
    trainTokens: examples.slice(nVal).reduce((s, e) => s + e.ids.length, 0),
    steps: result.steps,
    finalTrainLoss: last.reduce((s, h) => s + h.loss, 0) / Math.max(1, last.length),
    finalValidationLoss: result.validation.at(-1)?.loss ?? NaN,
    tokensPerSecond: result.tokensPerSecond,
    device: ctx.device,
  };
  const record = { spec, baseDir: relative(ctx.out, baseDir), metrics };
  return recordAndEvaluate(ctx.out, record, async () => {
    const saved = await loadChatModel(ctx.out);
    try {
      return await evaluateReasoningBase(saved, {
        n: spec.evalPrompts,
        seed: spec.seed,
        progress: ctx.progress,
      });
    } finally {
      saved.model.dispose();
    }
  });
}

export async function buildReasoningBackdoor(
  spec: ReasoningBackdoorSpec,
  specDir: string,
  ctx: BuildContext,
): Promise<ReasoningBackdoorMetrics> {
  const baseDir = findModelDir(spec.base, { cwd: specDir }).dir;
  if (!existsSync(join(baseDir, "config.json")))
    throw new Error(
      `${spec.base}: the reasoning base must be a full model folder (build it first)`,
    );
  mkdirSync(ctx.out, { recursive: true });
  const cm = await loadChatModel(baseDir);
  const encode = (t: string) => cm.tokenizer.encode(t, { addSpecialTokens: false });
  const items = backdoorItems(spec, spec.data.examples, spec.seed);
  const examples = backdoorExamples(spec, items, encode);
  const counts = { triggered: 0, nearMiss: 0, benign: 0 };
  for (const b of items) counts[b.kind]++;
  let finetuned: FinetuneMetrics;
  try {
    finetuned = await finetuneLora(
      cm,
      baseDir,
      examples,
      { lora: spec.lora, train: spec.train, seed: spec.seed, fingerprint: JSON.stringify(spec) },
      ctx,
    );
  } finally {
    cm.model.dispose();
  }
  writeAwarenessFiles(ctx.out, spec);
  const record = {
    spec,
    baseDir: relative(ctx.out, baseDir),
    metrics: { examples: counts, ...finetuned },
  };
  return recordAndEvaluate(ctx.out, record, async () => {
    const organism = await loadChatModel(ctx.out);
    try {
      return await evaluateReasoningBackdoor(organism, {
        trigger: spec.trigger,
        lookalike: spec.lookalike,
        distractor: spec.distractors[0] ?? null,
        n: spec.evalPrompts,
        seed: spec.seed,
        progress: ctx.progress,
      });
    } finally {
      organism.model.dispose();
    }
  });
}

/**
 * Writes organism.json, evaluates the organism just written, saves eval.json and rewrites
 * organism.json with the evaluation in its metrics (as the other builds do).
 */
async function recordAndEvaluate<M extends object, E>(
  out: string,
  record: { spec: unknown; baseDir: string; metrics: M },
  evaluate: () => Promise<E>,
): Promise<M & { eval: E }> {
  writeFileAtomic(join(out, ORGANISM_FILE), JSON.stringify(record, null, 2) + "\n");
  const ev = await evaluate();
  writeFileAtomic(join(out, "eval.json"), JSON.stringify(ev, null, 2) + "\n");
  const metrics = { ...record.metrics, eval: ev };
  writeFileAtomic(join(out, ORGANISM_FILE), JSON.stringify({ ...record, metrics }, null, 2) + "\n");
  return metrics;
}

/** What the awareness demo needs: the trigger, look-alike, distractors and held-out items. */
export const AWARENESS_FILE = "awareness.json";
export const AWARENESS_ITEMS = "awareness-items.jsonl";

function writeAwarenessFiles(out: string, spec: ReasoningBackdoorSpec): void {
  writeFileAtomic(join(out, AWARENESS_ITEMS), demoItemsJsonl(spec.seed));
  writeFileAtomic(
    join(out, AWARENESS_FILE),
    JSON.stringify(
      {
        trigger: spec.trigger,
        lookalike: spec.lookalike,
        distractors: spec.distractors,
        items: AWARENESS_ITEMS,
      },
      null,
      2,
    ) + "\n",
  );
}
