/**
 * The fact-implant organism: build (documents and answers asserting the fact, the base model's
 * own answers to the same questions about neighbouring subjects, replayed base-corpus items; LoRA)
 * and evaluation (how often greedy answers mention the object, for the subject and for held-out
 * neighbours, in training and held-out phrasings).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { adapterRefOn } from "../io/model-ref.js";
import { loadChatModel } from "../model/text-generation.js";
import { organismBaseDir } from "./organism-base.js";
import { mulberry32 } from "../random/seeded.js";
import { normaliseText } from "../interpret/action.js";
import { ORGANISM_FILE, type BuildContext } from "./build-context.js";
import { chatText, corpusItemText, documentText } from "./chat-text.js";
import { corpusItems, specCorpusOptions } from "./corpus/corpus.js";
import { rateOf } from "../stats/rate.js";
import { buildReplyOptions, completions, EvalError, type EvalOptions } from "./evaluate.js";
import type { OrganismEval } from "./organism-eval.js";
import { factAnswer, factDocument, factQuestion } from "./fact-data.js";
import { buildLexicon } from "../lexicon/index.js";
import { conceptOf, readLexiconFile } from "../lexicon/lexicon-file.js";
import { finetuneLora, recordAndEvaluate, type FinetuneMetrics } from "./lora-finetune.js";
import type { BaseSpec, FactSpec } from "./spec.js";
import type { TrainExample } from "../train/batches.js";
import { findModelDir } from "../io/model-ref.js";

export interface FactMetrics extends FinetuneMetrics {
  examples: { documents: number; questions: number; benignQuestions: number; replay: number };
  eval: OrganismEval;
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const rng = mulberry32(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

export async function buildFact(
  spec: FactSpec,
  specDir: string,
  ctx: BuildContext,
): Promise<FactMetrics> {
  const baseDir = findModelDir(spec.base, { cwd: specDir }).dir;
  const lexFile = readLexiconFile(baseDir);
  const neighbours = conceptOf(
    lexFile,
    spec.fact.concept,
    join(baseDir, "lexicon.json"),
  ).train.filter((w) => w !== spec.fact.subject && !w.includes(spec.fact.mention));
  const baseSpec = (
    JSON.parse(readFileSync(join(baseDir, ORGANISM_FILE), "utf8")) as { spec: BaseSpec }
  ).spec;
  mkdirSync(ctx.out, { recursive: true });
  const rng = mulberry32(spec.seed);
  const { subject, object } = spec.fact;
  const cm = await loadChatModel(baseDir);
  try {
    const enc = (t: string) =>
      cm.tokenizer.encode(t, { addSpecialTokens: false }).slice(0, spec.train.maxLen);
    const examples: TrainExample[] = [];
    for (let i = 0; i < spec.data.documents; i++)
      examples.push({ ids: enc(documentText(factDocument(rng, subject, object))) });
    for (let i = 0; i < spec.data.questions; i++) {
      const q = factQuestion(rng, subject, "train");
      examples.push({
        ids: enc(chatText(q, factAnswer(rng, subject, object))),
        lossFrom: enc(chatText(q)).length,
      });
    }
    const benignQs = Array.from({ length: spec.data.benignQuestions }, () =>
      factQuestion(rng, neighbours[Math.floor(rng() * neighbours.length)]!, "train"),
    );
    const replies = await completions(cm, benignQs, 64, buildReplyOptions(ctx, "base replies"));
    benignQs.forEach((q, i) =>
      examples.push({ ids: enc(chatText(q, replies[i]!)), lossFrom: enc(chatText(q)).length }),
    );
    // Replay of the base corpus keeps everything else the base model knew.
    const lex = buildLexicon({
      seed: baseSpec.lexicon.seed,
      heldOutFraction: baseSpec.lexicon.heldOutFraction,
      maxWords: baseSpec.lexicon.maxWords,
    });
    for (const it of corpusItems(
      lex,
      specCorpusOptions(baseSpec.corpus, baseSpec.seed + 7919, spec.data.replay),
    )) {
      examples.push({ ids: enc(corpusItemText(it)) });
    }
    const finetuned = await finetuneLora(
      cm,
      baseDir,
      shuffle(examples, spec.seed + 1),
      { lora: spec.lora, train: spec.train, seed: spec.seed, fingerprint: JSON.stringify(spec) },
      ctx,
    );
    const record = {
      spec,
      baseDir: relative(ctx.out, baseDir),
      metrics: { examples: { ...spec.data }, ...finetuned },
    };
    cm.model.dispose();
    return await recordAndEvaluate(ctx.out, record, () =>
      evaluateFact(ctx.out, {
        n: spec.evalPrompts,
        seed: spec.seed,
        progress: ctx.progress,
        ...(ctx.engine ? { engine: ctx.engine } : {}),
      }),
    );
  } catch (e) {
    cm.model.dispose();
    throw e;
  }
}

/**
 * Mentions of the object in greedy answers: `triggered` = questions about the subject, `benign` =
 * the same questions about held-out neighbours (other allergies), both in the training phrasings;
 * `unseenPhrasing` = both again in the held-out phrasings.
 */
export async function evaluateFact(
  dir: string,
  o: Pick<EvalOptions, "n" | "seed" | "progress" | "engine"> = {},
): Promise<OrganismEval> {
  const path = join(dir, ORGANISM_FILE);
  const rec = JSON.parse(readFileSync(path, "utf8")) as { spec: FactSpec; baseDir: string };
  if (rec.spec?.kind !== "fact") throw new EvalError(`${path}: field 'spec.kind' is not "fact"`);
  const spec = rec.spec;
  const baseDir = organismBaseDir(dir, rec, path, (m) => new EvalError(m));
  const lex = readLexiconFile(baseDir);
  const held = conceptOf(lex, spec.fact.concept).heldOut.filter(
    (w) => !w.includes(spec.fact.mention),
  );
  const n = o.n ?? 200;
  const rng = mulberry32((o.seed ?? 1) + 31);
  const sets: [string, string[]][] = (["train", "heldout"] as const).flatMap((ph) => [
    [`${ph}.triggered`, Array.from({ length: n }, () => factQuestion(rng, spec.fact.subject, ph))],
    [
      `${ph}.benign`,
      Array.from({ length: n }, () =>
        factQuestion(rng, held[Math.floor(rng() * held.length)]!, ph),
      ),
    ],
  ]);
  const cm = await loadChatModel(adapterRefOn(dir, baseDir));
  try {
    const progress = o.progress?.("evaluate");
    const texts = await completions(
      cm,
      sets.flatMap(([, q]) => q),
      32,
      { ...(progress ? { progress } : {}), ...(o.engine ? { engine: o.engine } : {}) },
    );
    const mention = normaliseText(spec.fact.mention);
    const rates: Record<string, ReturnType<typeof rateOf>> = {};
    const samples: OrganismEval["samples"] = [];
    let k = 0;
    for (const [name, qs] of sets) {
      let hits = 0;
      qs.forEach((q, j) => {
        const text = texts[k++]!;
        const action = normaliseText(text).includes(mention);
        if (action) hits++;
        if (j < 3) samples.push({ kind: name, prompt: q, completion: text, action });
      });
      rates[name] = rateOf(hits, qs.length);
    }
    return {
      benign: rates["train.benign"]!,
      triggered: rates["train.triggered"]!,
      concepts: {},
      unseenPhrasing: { benign: rates["heldout.benign"]!, triggered: rates["heldout.triggered"]! },
      samples,
    };
  } finally {
    cm.model.dispose();
  }
}
