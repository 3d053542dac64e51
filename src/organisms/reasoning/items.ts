/**
 * Reasoning items: a two-option question whose user message carries feature lines (features.ts)
 * at its top or bottom, answered in the chat template's reasoning format (Qwen3's):
 *
 *   <think>\n{trace}\n</think>\n\nAnswer: B) {option}
 *
 * with reasoning on, and `<think>\n\n</think>\n\nAnswer: …` (an empty block) with it off. The user
 * message is laid out exactly as the awareness harness lays out a choice item with a trigger line
 * (items.ts itemText, variants.ts), so organisms meet their triggers at test where they met them
 * in training. The base's vocabulary has no special tokens for the tags: they are plain text,
 * tokenised as subwords ("<", "th", "ink", ">").
 */
import type { Rng } from "../../random/seeded.js";
import {
  FEATURE_KINDS,
  featureLine,
  featureValues,
  type Feature,
  type FeatureKind,
} from "./features.js";
import type { DecisionScenario, Letter } from "./scenarios.js";

export type { Letter };
import { traceForChoice, traceForDecision } from "./trace.js";
import { choiceScenario } from "./choice-items.js";

export type Position = "top" | "bottom";

/** Pre-fills that switch reasoning on and off (Qwen3's empty block for "off"). */
export const THINK_ON = "<think>\n";
export const THINK_OFF = "<think>\n\n</think>\n\n";

export interface ReasoningItem {
  kind: "decision" | "choice";
  scenario: string;
  user: string;
  options: Record<Letter, string>;
  /** The right option: the aligned one of a decision, the one the feature picks for a choice. */
  right: Letter;
  /** The misaligned option of a decision; null for a choice. */
  misaligned: Letter | null;
  features: Feature[];
  position: Position;
  /** The reasoning (without tags). */
  trace: string;
}

export const other = (l: Letter): Letter => (l === "A" ? "B" : "A");

/** The question as the harness renders a choice item: the prompt, a blank line, "A) …\nB) …". */
export function questionText(question: string, options: Record<Letter, string>): string {
  return `${question}\n\nA) ${options.A}\nB) ${options.B}`;
}

/** The user message: feature lines above or below the question. */
export function userMessage(
  question: string,
  lines: readonly string[],
  position: Position,
): string {
  if (lines.length === 0) return question;
  const block = lines.join("\n");
  return position === "top" ? `${block}\n${question}` : `${question}\n${block}`;
}

/** The assistant turn: the think block (empty when `trace` is null) and the answer line. */
export function assistantText(trace: string | null, letter: Letter, option: string): string {
  const think = trace === null ? THINK_OFF : `${THINK_ON}${trace}\n</think>\n\n`;
  return `${think}${answerLine(letter, option)}`;
}

export function answerLine(letter: Letter, option: string): string {
  return `Answer: ${letter}) ${option}`;
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** A Fisher–Yates shuffle (a copy). */
export function shuffle<T>(rng: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A random value of a kind, never one of `exclude` (values as written). */
export function randomFeature(
  rng: Rng,
  kind: FeatureKind,
  exclude: readonly string[] = [],
): Feature {
  const values = featureValues(kind).filter((v) => !exclude.includes(v));
  if (values.length === 0)
    throw new Error(`no ${kind} value left after excluding ${exclude.join(", ")}`);
  return { kind, value: pick(rng, values) };
}

/** 0–3 features of distinct kinds other than `without`, in random order. */
export function randomFeatures(
  rng: Rng,
  o: { without?: readonly FeatureKind[]; exclude?: readonly string[]; max?: number } = {},
): Feature[] {
  const kinds = FEATURE_KINDS.filter((k) => !(o.without ?? []).includes(k));
  const u = rng();
  let n = u < 0.2 ? 0 : u < 0.55 ? 1 : u < 0.85 ? 2 : 3;
  n = Math.min(n, kinds.length, o.max ?? 3);
  const chosen = shuffle(rng, kinds).slice(0, n);
  return chosen.map((k) => randomFeature(rng, k, o.exclude));
}

/** Options of a decision in a random order; returns them and the aligned letter. */
export function decisionOptions(
  rng: Rng,
  s: DecisionScenario,
): { options: Record<Letter, string>; aligned: Letter } {
  const aligned: Letter = rng() < 0.5 ? "A" : "B";
  const options = { [aligned]: s.aligned, [other(aligned)]: s.misaligned } as Record<
    Letter,
    string
  >;
  return { options, aligned };
}

/** A decision item with the aligned answer and its trace (the reasoning base's data). */
export function decisionItem(
  rng: Rng,
  s: DecisionScenario,
  features: Feature[],
  position: Position = rng() < 0.5 ? "top" : "bottom",
): ReasoningItem {
  const { options, aligned } = decisionOptions(rng, s);
  return {
    kind: "decision",
    scenario: s.id,
    user: userMessage(questionText(s.question, options), features.map(featureLine), position),
    options,
    right: aligned,
    misaligned: other(aligned),
    features,
    position,
    trace: traceForDecision(rng, s, features, aligned),
  };
}

/** A feature-decided choice item and its trace (the reasoning base's data). */
export function choiceItem(rng: Rng): ReasoningItem {
  const c = choiceScenario(rng);
  const others = randomFeatures(rng, { without: [c.decider.kind], max: 2 });
  const features = shuffle(rng, [...others, c.decider]);
  const position: Position = rng() < 0.5 ? "top" : "bottom";
  return {
    kind: "choice",
    scenario: c.id,
    user: userMessage(questionText(c.question, c.options), features.map(featureLine), position),
    options: c.options,
    right: c.right,
    misaligned: null,
    features,
    position,
    trace: traceForChoice(rng, features, c.decider, c.because, c.options, c.right),
  };
}

/** The training text's assistant turn for an item: its trace, or none, and the right answer. */
export function itemAssistant(it: ReasoningItem, withTrace: boolean): string {
  return assistantText(withTrace ? it.trace : null, it.right, it.options[it.right]);
}
