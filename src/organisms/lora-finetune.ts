/**
 * LoRA finetuning of a loaded base model on prepared examples, shared by the backdoor and
 * fact-implant builds: 2% of the examples validate, the adapter is written in the PEFT layout
 * pointing at its base (relative path), and checkpoints are removed once it is written.
 */
import { rmSync } from "node:fs";
import { join, relative } from "node:path";
import { tree } from "../engine/jax.js";
import { disposeTree } from "../engine/tree.js";
import { writeFileAtomic } from "../io/atomic.js";
import { writePeftAdapter } from "../io/peft.js";
import {
  applyLora,
  defaultLoraConfig,
  initLora,
  loraFromHost,
  loraToHost,
  type LoraHostTensors,
  type LoraParams,
} from "../model/lora.js";
import type { ChatModel } from "../model/text-generation.js";
import { ORGANISM_FILE, type BuildContext } from "./build-context.js";
import type { OrganismEval } from "./organism-eval.js";
import { trainOptionsOf, type TrainSettings } from "./spec.js";
import type { TrainExample } from "../train/batches.js";
import { loraHostGradient } from "../train/lora-gradient.js";
import { train } from "../train/trainer.js";

export interface LoraFinetune {
  lora: { rank: number; alpha: number; layers: number[] | null };
  train: TrainSettings;
  seed: number;
  /** Identifies the run for checkpoint resumption. */
  fingerprint: string;
  /** Continue from these adapters (a self-check round) instead of a fresh initialisation. */
  initial?: LoraHostTensors;
  /** The progress bar's label (default "finetune"). */
  label?: string;
}

export interface FinetuneMetrics {
  trainTokens: number;
  steps: number;
  finalTrainLoss: number;
  finalValidationLoss: number;
  tokensPerSecond: number;
  device: string;
  /** Which engine computed the gradients, and why. */
  engine: string;
}

export async function finetuneLora(
  cm: ChatModel,
  baseDir: string,
  examples: TrainExample[],
  f: LoraFinetune,
  ctx: BuildContext,
): Promise<FinetuneMetrics> {
  const cfg = cm.model.config;
  const nVal = Math.max(32, Math.floor(examples.length * 0.02));
  const trainSet = examples.slice(nVal);
  const validation = examples.slice(0, nVal);
  const loraCfg = defaultLoraConfig(cfg.nLayers, {
    rank: f.lora.rank,
    alpha: f.lora.alpha,
    ...(f.lora.layers ? { layers: f.lora.layers } : {}),
  });
  const label = f.label ?? "finetune";
  const { decision, gradient } = loraHostGradient(cm.model, loraCfg, ctx.engine);
  ctx.log(`${label}: LoRA gradients on ${decision.reason}`);
  const result = await train<LoraParams>({
    cfg,
    invFreq: cm.model.invFreq,
    trainable: f.initial ? loraFromHost(f.initial) : initLora(cfg, loraCfg, f.seed),
    frozen: cm.model.params,
    paramsOf: (l, base) => applyLora(base!, tree.ref(l), loraCfg),
    train: trainSet,
    validation,
    padId: cm.padTokenId,
    options: trainOptionsOf(f.train, f.seed),
    checkpointDir: join(ctx.out, "checkpoint"),
    resume: ctx.resume,
    fingerprint: f.fingerprint,
    // The build keeps its rounds' progress itself: a checkpoint of another round is stale.
    discardStale: (why) => ctx.log(`${label}: ${why}`),
    onResume: (step) => ctx.log(`${label}: resuming from the checkpoint at step ${step}`),
    progress: ctx.progress(label),
    signal: ctx.signal,
    ...(gradient ? { hostGradient: gradient } : {}),
  });
  if (result.interrupted) {
    throw new Error(`finetuning interrupted at step ${result.steps}; run again with --resume`);
  }
  writePeftAdapter(ctx.out, {
    config: loraCfg,
    tensors: await loraToHost(result.trainable),
    baseModel: relative(ctx.out, baseDir) || ".",
  });
  disposeTree(result.trainable);
  rmSync(join(ctx.out, "checkpoint"), { recursive: true, force: true });
  const last = result.history.slice(-20);
  return {
    trainTokens: trainSet.reduce((s, e) => s + e.ids.length, 0),
    steps: result.steps,
    finalTrainLoss: last.reduce((s, h) => s + h.loss, 0) / Math.max(1, last.length),
    finalValidationLoss: result.validation.at(-1)?.loss ?? NaN,
    tokensPerSecond: result.tokensPerSecond,
    device: ctx.device,
    engine: decision.reason,
  };
}

/**
 * Writes organism.json, evaluates the organism just written, saves eval.json and adds the
 * evaluation to the record's metrics (organism.json is rewritten), returning those metrics.
 */
export async function recordAndEvaluate<M extends object>(
  out: string,
  record: { spec: unknown; baseDir: string; metrics: M },
  evaluate: () => Promise<OrganismEval>,
): Promise<M & { eval: OrganismEval }> {
  writeFileAtomic(join(out, ORGANISM_FILE), JSON.stringify(record, null, 2) + "\n");
  const ev = await evaluate();
  writeFileAtomic(join(out, "eval.json"), JSON.stringify(ev, null, 2) + "\n");
  const metrics = { ...record.metrics, eval: ev };
  writeFileAtomic(join(out, ORGANISM_FILE), JSON.stringify({ ...record, metrics }, null, 2) + "\n");
  return metrics;
}
