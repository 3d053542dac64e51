/**
 * Building a base organism from its spec: lexicon → corpus → BPE tokenizer → Llama model trained
 * from scratch → HF-layout directory (config.json, model.safetensors, tokenizer files,
 * generation_config.json) plus lexicon.json and organism.json. Training checkpoints go to
 * `out/checkpoint` and are removed once the model is written; `resume` continues from them.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { disposeTree } from "../engine/tree.js";
import { writeFileAtomic } from "../io/atomic.js";
import type { ModelConfig } from "../model/config.js";
import { paramsToHfTensors, writeModelDir } from "../model/export.js";
import { modelFromTensors } from "../model/model.js";
import type { ModelParams } from "../model/params.js";
import { ORGANISM_FILE, type BuildContext } from "./build-context.js";
import { corpusItemText } from "./chat-text.js";
import { corpusItems, specCorpusOptions } from "./corpus/corpus.js";
import { buildLexicon } from "../lexicon/index.js";
import { writeLexiconFile } from "../lexicon/lexicon-file.js";
import { trainOptionsOf, type BaseSpec } from "./spec.js";
import {
  createBpeEncoder,
  ORGANISM_CHAT,
  ORGANISM_SPECIAL_TOKENS,
  trainBpe,
  writeTokenizerFiles,
} from "./tokenizer/index.js";
import type { TrainExample } from "../train/batches.js";
import { initialTensors } from "../train/init.js";
import { train } from "../train/trainer.js";

const BOS = 0;
const EOS = 1;
const PAD = 2;
const END = 6;

export function baseModelConfig(spec: BaseSpec, vocabSize: number): ModelConfig {
  const m = spec.model;
  return {
    architecture: "llama",
    vocabSize,
    dModel: m.dModel,
    nLayers: m.nLayers,
    nHeads: m.nHeads,
    nKvHeads: m.nKvHeads,
    dHead: m.dModel / m.nHeads,
    dMlp: m.dMlp,
    maxPositions: m.maxPositions,
    normEps: 1e-5,
    norm: "rms",
    activation: "silu",
    positional: "rope",
    ropeTheta: 10000,
    ropeScaling: { type: "default" },
    tieEmbeddings: true,
    qkvBias: false,
    oBias: false,
    mlpBias: false,
    qkNorm: false,
    bosTokenId: BOS,
    eosTokenIds: [END, EOS],
    padTokenId: PAD,
  };
}

export interface BaseMetrics {
  corpusItems: number;
  corpusTokens: number;
  validationTokens: number;
  vocabSize: number;
  parameters: number;
  steps: number;
  tokensSeen: number;
  finalTrainLoss: number;
  finalValidationLoss: number;
  tokensPerSecond: number;
  device: string;
}

/** The tokenised corpus: train and validation examples, the vocabulary size and the corpus hash
 *  that fingerprints training checkpoints. */
interface TokenisedCorpus {
  trainSet: TrainExample[];
  validation: TrainExample[];
  vocabSize: number;
  fingerprint: string;
}

export async function buildBase(spec: BaseSpec, ctx: BuildContext): Promise<BaseMetrics> {
  mkdirSync(ctx.out, { recursive: true });
  const lex = buildLexicon({
    seed: spec.lexicon.seed,
    heldOutFraction: spec.lexicon.heldOutFraction,
    maxWords: spec.lexicon.maxWords,
  });
  writeLexiconFile(ctx.out, lex);
  ctx.log(`lexicon: ${lex.concepts.length} concepts`);
  const { trainSet, validation, vocabSize, fingerprint } = tokenisedCorpus(spec, ctx, lex);

  const cfg = baseModelConfig(spec, vocabSize);
  const init = initialTensors(cfg, spec.seed);
  const parameters = [...init.values()].reduce((s, t) => s + t.data.length, 0);
  const model = modelFromTensors(cfg, init, "initial weights");
  ctx.log(`model: llama d${cfg.dModel} × ${cfg.nLayers} layers, ${parameters} parameters`);
  const result = await train<ModelParams>({
    cfg,
    invFreq: model.invFreq,
    trainable: model.params,
    paramsOf: (p) => p,
    train: trainSet,
    validation,
    padId: PAD,
    options: trainOptionsOf(spec.train, spec.seed),
    checkpointDir: join(ctx.out, "checkpoint"),
    resume: ctx.resume,
    fingerprint,
    progress: ctx.progress("train"),
    signal: ctx.signal,
  });
  if (result.interrupted) {
    throw new Error(`training interrupted at step ${result.steps}; run again with --resume`);
  }
  const tensors = await paramsToHfTensors(cfg, result.trainable);
  writeModelDir(ctx.out, cfg, tensors, { organism: spec.name });
  writeGenerationConfig(ctx.out);
  const last = result.history.slice(-20);
  const metrics: BaseMetrics = {
    corpusItems: trainSet.length,
    corpusTokens: tokenCount(trainSet),
    validationTokens: tokenCount(validation),
    vocabSize,
    parameters,
    steps: result.steps,
    tokensSeen: result.tokensSeen,
    finalTrainLoss: last.reduce((s, h) => s + h.loss, 0) / Math.max(1, last.length),
    finalValidationLoss: result.validation.at(-1)?.loss ?? NaN,
    tokensPerSecond: result.tokensPerSecond,
    device: ctx.device,
  };
  writeFileAtomic(
    join(ctx.out, ORGANISM_FILE),
    JSON.stringify({ spec, metrics, validation: result.validation }, null, 2) + "\n",
  );
  disposeTree(result.trainable);
  rmSync(join(ctx.out, "checkpoint"), { recursive: true, force: true });
  return metrics;
}

/** Tokens in a set of examples. */
function tokenCount(xs: TrainExample[]): number {
  return xs.reduce((s, e) => s + e.ids.length, 0);
}

/** Generates the corpus, trains and writes the BPE tokenizer, and tokenises every item
 *  (truncated to the training length), split into train and validation. */
function tokenisedCorpus(
  spec: BaseSpec,
  ctx: BuildContext,
  lex: ReturnType<typeof buildLexicon>,
): TokenisedCorpus {
  const total = spec.corpus.items + spec.corpus.validationItems;
  const texts: string[] = [];
  for (const it of corpusItems(lex, specCorpusOptions(spec.corpus, spec.seed, total)))
    texts.push(corpusItemText(it));
  const bpe = trainBpe(texts.slice(0, spec.corpus.tokenizerItems), {
    vocabSize: spec.vocabSize,
    specialTokens: ORGANISM_SPECIAL_TOKENS,
  });
  writeTokenizerFiles(ctx.out, bpe, ORGANISM_CHAT, { modelMaxLength: spec.model.maxPositions });
  const vocabSize = bpe.vocab.size;
  const encode = createBpeEncoder(bpe);
  const bar = ctx.progress("tokenise");
  const examples: TrainExample[] = [];
  const hash = createHash("sha256");
  texts.forEach((t, i) => {
    const ids = encode(t).slice(0, spec.train.maxLen);
    examples.push({ ids });
    hash.update(Int32Array.from(ids));
    if (i % 5000 === 0) bar.update(i, texts.length);
  });
  bar.finish();
  const trainSet = examples.slice(0, spec.corpus.items);
  const validation = examples.slice(spec.corpus.items);
  ctx.log(
    `corpus: ${trainSet.length} items, ${tokenCount(trainSet)} tokens (validation ${tokenCount(validation)}), vocabulary ${vocabSize}`,
  );
  return { trainSet, validation, vocabSize, fingerprint: hash.digest("hex") };
}

/** Writes generation_config.json (BOS, both end tokens, PAD; greedy decoding). */
function writeGenerationConfig(out: string): void {
  writeFileAtomic(
    join(out, "generation_config.json"),
    JSON.stringify(
      { bos_token_id: BOS, eos_token_id: [END, EOS], pad_token_id: PAD, do_sample: false },
      null,
      2,
    ) + "\n",
  );
}
