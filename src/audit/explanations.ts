/**
 * Labels that are sentences, in the audit: when the label file's latents carry free-text
 * explanations (a Neuronpedia export, or `sae relabel`), candidates are built from the WordNet
 * concepts the explanations name (src/interpret/sentence-concepts.ts), and an explanation
 * concept's words are focused on its own latents before it is probed or mentioned
 * (src/interpret/focus-words.ts). Lexicon labels take precedence where a latent has both.
 */
import type { ChatModel } from "../model/text-generation.js";
import { focusWords } from "../interpret/focus-words.js";
import { sentenceConcepts, type SentenceConcept } from "../interpret/sentence-concepts.js";
import { defaultWordNetDir } from "../lexicon/lexicon.js";
import { readWordNet } from "../lexicon/wordnet.js";
import type { LabelFile } from "../sae/labels.js";
import type { Sae } from "../sae/types.js";

export type Explain = (explanation: string, topWords: readonly string[]) => SentenceConcept[];

/** The explanation mapper for a label file, or undefined when none of its latents has one. */
export function explainerFor(labels: LabelFile | null): Explain | undefined {
  if (!labels?.latents.some((l) => l.explanation !== undefined)) return undefined;
  const wn = readWordNet(defaultWordNetDir());
  const memo = new Map<string, SentenceConcept[]>();
  return (explanation, topWords) => {
    const key = `${explanation}\u0000${topWords.join("\u0000")}`;
    let out = memo.get(key);
    if (!out) {
      out = sentenceConcepts(wn, explanation, { topWords });
      memo.set(key, out);
    }
    return out;
  };
}

/**
 * For SAE-Attribution's second pass: the first of `ranked` latents whose explanation names a WordNet
 * concept, with that concept's words focused on the latent; null when there is none.
 */
export async function explainedConcept(
  cm: ChatModel,
  sae: Sae,
  labels: LabelFile,
  ranked: readonly number[],
  seed: number,
): Promise<{ name: string; words: string[] } | null> {
  const explain = explainerFor(labels);
  if (!explain) return null;
  const byIndex = new Map(labels.latents.map((l) => [l.index, l]));
  for (const index of ranked) {
    const rec = byIndex.get(index);
    if (rec?.explanation === undefined) continue;
    const top = explain(
      rec.explanation,
      rec.topWords.map((w) => w.word),
    )[0];
    if (top?.source !== "wordnet") continue;
    const f = await focusWords(cm, sae, top.words, [index], { seed });
    return { name: top.name, words: f.words };
  }
  return null;
}
