/**
 * Texts for work on a model's activations (SAE training, labelling, evaluation): lines of a text
 * file (each prefixed with the tokenizer's BOS text), or, for a trigscope base organism, fresh
 * items of its own corpus generator (a seed offset keeps each use on different items).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { corpusItemText } from "./chat-text.js";
import { corpusItems, specCorpusOptions } from "./corpus/corpus.js";
import { buildLexicon } from "../lexicon/index.js";
import type { BaseSpec } from "./spec.js";
import { ORGANISM_FILE } from "./build-context.js";

export class CorpusTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CorpusTextError";
  }
}

export interface CorpusTextOptions {
  /** A file with one document per line; otherwise the model must be a base organism. */
  textFile?: string;
  /** Prepended to each line of a text file (the tokenizer's BOS text). */
  bos?: string;
  /** Seed offset added to the organism's corpus seed (use a different one per purpose). */
  seedOffset: number;
  /** Stop after about this many characters' worth of items: enough for `tokens` tokens. */
  tokens: number;
}

/** Texts for a model directory; throws CorpusTextError naming what is missing. */
export function corpusTexts(modelDir: string, o: CorpusTextOptions): string[] {
  if (o.textFile) {
    const texts = readFileSync(o.textFile, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => (o.bos ?? "") + l);
    if (texts.length === 0) throw new CorpusTextError(`${o.textFile}: no text lines`);
    return texts;
  }
  const record = join(modelDir, ORGANISM_FILE);
  if (!existsSync(record) || !existsSync(join(modelDir, "lexicon.json"))) {
    throw new CorpusTextError(
      `a text file is required: ${modelDir} is not a trigscope base organism (no ${ORGANISM_FILE} and lexicon.json)`,
    );
  }
  const spec = (JSON.parse(readFileSync(record, "utf8")) as { spec: BaseSpec }).spec;
  if (spec.kind !== "base") {
    throw new CorpusTextError(
      `a text file is required: ${record} is a ${String(spec.kind)} organism, not a base model`,
    );
  }
  const lex = buildLexicon(spec.lexicon);
  const texts: string[] = [];
  // Items average well over 30 tokens; 4 characters per token is a safe overestimate.
  let chars = 0;
  for (const it of corpusItems(
    lex,
    specCorpusOptions(spec.corpus, spec.seed + o.seedOffset, 10_000_000),
  )) {
    const t = corpusItemText(it);
    texts.push(t);
    chars += t.length;
    if (chars >= o.tokens * 4) break;
  }
  return texts;
}
