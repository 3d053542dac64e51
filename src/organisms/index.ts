/** Model organisms: lexicon, corpus, tokenizer training, training loop, backdoors, evaluation, zoo. */
export { buildOrganism } from "./build.js";
export type { BuildContext } from "./build-context.js";
export {
  buildLexicon,
  LexiconError,
  type Concept,
  type Lexicon,
  type LexiconWord,
} from "../lexicon/index.js";
export { readLexiconFile, writeLexiconFile, type LexiconFile } from "../lexicon/lexicon-file.js";
export { corpusItems, type CorpusItem, type CorpusOptions } from "./corpus/corpus.js";
export { composePrompt, type ComposedPrompt } from "../interpret/compose-prompt.js";
export {
  trainBpe,
  createBpeEncoder,
  writeTokenizerFiles,
  ORGANISM_CHAT,
} from "./tokenizer/index.js";
export { train, type TrainJob, type TrainOptions, type TrainResult } from "../train/trainer.js";
export { BackdoorPrompts, finetunePrompts, type BackdoorPrompt } from "./backdoor-prompts.js";
export { containsAction } from "../interpret/action.js";
export { evaluateOrganism } from "./evaluate.js";
export type { OrganismEval } from "./organism-eval.js";
export type { Rate } from "../stats/rate.js";
export { evaluateBase, type BaseEval } from "./evaluate-base.js";
export { evaluateFact } from "./fact.js";
export { evaluateDir, type DirEval } from "./evaluation.js";
export {
  parseSpec,
  readSpec,
  SpecError,
  type OrganismSpec,
  type BackdoorSpec,
  type BaseSpec,
  type FactSpec,
  type Trigger,
} from "./spec.js";
export { verifyZoo, writeZooManifest } from "./zoo.js";
export { readZooManifest, type ZooEntry, type ZooManifest } from "../io/zoo-manifest.js";
