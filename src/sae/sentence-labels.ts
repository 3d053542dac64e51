/**
 * Sentence labels in the style of Neuronpedia's explainers, written for an SAE we labelled with
 * lexicon concepts, so that an audit can be tested on labels that are free text (as a public SAE's
 * are) on organisms whose trigger we know. Each latent whose lexicon label has AUROC ≥ `minAuroc`
 * gets one explanation made from its concept's *label* alone ("snow sports"), never from the
 * concept's words, through one of `TEMPLATES` chosen by a generator seeded by `seed` and the latent
 * index (and a coin for a capital first letter); every other latent gets none, as a latent an
 * explainer left unexplained. The result is a Neuronpedia explanation export (neuronpedia.ts
 * reads it; `audit --labels` takes it).
 */
import type { LexiconFile } from "../lexicon/lexicon-file.js";
import { mulberry32 } from "../random/seeded.js";
import type { LabelFile } from "./labels.js";

/** How explainers phrase a label (the shapes of Neuronpedia explanations: a framing + the topic). */
export const TEMPLATES: readonly string[] = [
  "mentions of {c}",
  "references to {c}",
  "words related to {c}",
  "text about {c}",
  "terms for {c}",
  "{c} and related terms",
  "discussions of {c}",
  "names of {c}",
];

export interface NeuronpediaExplanation {
  modelId: string;
  layer: string;
  index: number;
  description: string;
  explanationModelName: string;
  typeName: string;
}

export interface SentenceLabelOptions {
  /** Default 1. */
  seed?: number;
  /** Latents whose lexicon label has at least this AUROC are explained (default 0.7). */
  minAuroc?: number;
  /** Written as the export's modelId (default "trigscope") and layer (default the hook name). */
  modelId?: string;
  layer?: string;
}

const KEYS = ["seed", "minAuroc", "modelId", "layer"];

export class SentenceLabelError extends Error {
  constructor(
    readonly option: string,
    reason: string,
  ) {
    super(`sentence labels: ${option}: ${reason}`);
    this.name = "SentenceLabelError";
  }
}

/** One explanation of a concept label: a seeded template, capitalised or not. */
export function explainConcept(label: string, seed: number, index: number): string {
  const rng = mulberry32((Math.imul(seed, 0x9e3779b1) ^ index) >>> 0);
  const template = TEMPLATES[Math.floor(rng() * TEMPLATES.length)]!;
  const text = template.replace("{c}", label);
  return rng() < 0.5 ? text : text[0]!.toUpperCase() + text.slice(1);
}

/** Neuronpedia-style explanations of `labels`' concept-labelled latents (see the header). */
export function sentenceLabelExport(
  labels: LabelFile,
  lexicon: LexiconFile,
  o: SentenceLabelOptions = {},
): NeuronpediaExplanation[] {
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k)) throw new SentenceLabelError(k, `unknown option (known: ${KEYS})`);
  }
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed)) throw new SentenceLabelError("seed", "must be an integer");
  const minAuroc = o.minAuroc ?? 0.7;
  if (!(minAuroc >= 0 && minAuroc <= 1)) {
    throw new SentenceLabelError("minAuroc", `must be in [0, 1], got ${String(minAuroc)}`);
  }
  const labelOf = new Map(lexicon.concepts.map((c) => [c.name, c.label ?? c.name]));
  const out: NeuronpediaExplanation[] = [];
  for (const l of labels.latents) {
    if (l.concept === undefined || (l.auroc ?? 0) < minAuroc) continue;
    const label = labelOf.get(l.concept);
    if (label === undefined) {
      throw new SentenceLabelError("lexicon", `has no concept '${l.concept}' (latent ${l.index})`);
    }
    out.push({
      modelId: o.modelId ?? "trigscope",
      layer: o.layer ?? labels.sae.hookName,
      index: l.index,
      description: explainConcept(label, seed, l.index),
      explanationModelName: `trigscope sentence templates (seed ${seed})`,
      typeName: "trigscope-sentence-template",
    });
  }
  return out;
}
