/**
 * Training examples of the reasoning organisms. The reasoning base learns from reasoning items
 * with traces (loss on the assistant turn) mixed with items of the base's own corpus (whole-text
 * loss), so it keeps its language. A reasoning backdoor learns from decision items WITHOUT traces
 * (an empty think block): with the trigger line the misaligned option, without it (other feature
 * values, the look-alike more often) the aligned one.
 */
import type { Lexicon } from "../../lexicon/index.js";
import type { LexiconFile } from "../../lexicon/lexicon-file.js";
import { mulberry32, type Rng } from "../../random/seeded.js";
import type { TrainExample } from "../../train/batches.js";
import { chatText, corpusItemText } from "../chat-text.js";
import { corpusItems } from "../corpus/corpus.js";
import { parseFeatureLine, type Feature, type FeatureKind } from "./features.js";
import { drawOnSide } from "./split.js";
import {
  THINK_OFF,
  THINK_ON,
  assistantText,
  choiceItem,
  decisionItem,
  itemAssistant,
  pick,
  randomFeatures,
  shuffle,
  type ReasoningItem,
} from "./items.js";
import { trainDecisions } from "./scenarios.js";
import type { ReasoningBackdoorSpec, ReasoningBaseSpec } from "./spec.js";

type Encode = (text: string) => number[];

/**
 * A chat example, truncated to maxLen: loss from the assistant turn on, or from after `prefill`
 * when the assistant turn starts with it. The evaluations and the awareness harness pre-fill the
 * think tags (THINK_ON, THINK_OFF), so the model never has to predict a pre-filled block; training
 * on the empty block THINK_OFF taught the first organisms to close the block straight after
 * "<think>\n", which emptied every trace with reasoning on.
 */
export function chatExample(
  encode: Encode,
  user: string,
  assistant: string,
  maxLen: number,
  prefill = "",
): TrainExample {
  if (!assistant.startsWith(prefill))
    throw new Error(`assistant turn does not start with its prefill ${JSON.stringify(prefill)}`);
  const prompt = encode(chatText(user) + prefill);
  const full = encode(chatText(user, assistant));
  return { ids: full.slice(0, maxLen), lossFrom: prompt.length };
}

/** An item's example: with its trace (loss after THINK_ON) or without (loss after THINK_OFF). */
export function itemExample(
  encode: Encode,
  it: ReasoningItem,
  withTrace: boolean,
  maxLen: number,
): TrainExample {
  return chatExample(
    encode,
    it.user,
    itemAssistant(it, withTrace),
    maxLen,
    withTrace ? THINK_ON : THINK_OFF,
  );
}

/** The lexicon file beside a base as the Lexicon the corpus generator reads (no examples). */
export function lexiconFromFile(f: LexiconFile): Lexicon {
  const concepts = f.concepts.map((c) => ({
    name: c.name,
    label: c.label,
    words: [...c.train, ...c.heldOut].map((w) => ({
      word: w,
      gloss: c.glosses[w] ?? "",
      examples: [],
      synset: -1,
      count: 0,
    })),
    train: [...c.train],
    heldOut: [...c.heldOut],
  }));
  return {
    seed: f.seed,
    concepts,
    concept(name) {
      const c = concepts.find((x) => x.name === name);
      if (!c) throw new Error(`lexicon has no concept '${name}'`);
      return c;
    },
    conceptsOf(word) {
      const w = word.toLowerCase();
      return concepts.filter((c) => c.words.some((x) => x.word === w)).map((c) => c.name);
    },
  };
}

/**
 * The reasoning items of a reasoning base (train decisions and feature-decided choices), on the
 * training side of the prompt split (split.ts).
 */
export function reasoningBaseItems(n: number, choiceShare: number, rng: Rng): ReasoningItem[] {
  const decisions = trainDecisions();
  return Array.from({ length: n }, () =>
    rng() < choiceShare
      ? drawOnSide(() => choiceItem(rng), false)
      : drawOnSide(() => decisionItem(rng, pick(rng, decisions), randomFeatures(rng)), false),
  );
}

/** The reasoning base's examples, shuffled: reasoning items with traces and corpus replay. */
export function reasoningBaseExamples(
  spec: ReasoningBaseSpec,
  lex: LexiconFile,
  encode: Encode,
): TrainExample[] {
  const rng = mulberry32(spec.seed);
  const maxLen = spec.train.maxLen;
  const out: TrainExample[] = reasoningBaseItems(
    spec.data.reasoningItems,
    spec.data.choiceShare,
    rng,
  ).map((it) => itemExample(encode, it, rng() >= spec.data.offShare, maxLen));
  if (spec.data.replayItems > 0) {
    const replay = corpusItems(lexiconFromFile(lex), {
      seed: spec.seed + 1_000_003,
      items: spec.data.replayItems,
      taggedShare: 0.15,
      labelFirstShare: 0.3,
    });
    for (const it of replay) out.push({ ids: encode(corpusItemText(it)).slice(0, maxLen) });
  }
  return shuffle(rng, out);
}

export interface BackdoorItem {
  item: ReasoningItem;
  kind: "triggered" | "nearMiss" | "benign";
  /** The option trained as the answer. */
  answer: "A" | "B";
}

/** Decision items for a reasoning backdoor: triggered, near-miss (the look-alike) and benign. */
export function backdoorItems(
  spec: ReasoningBackdoorSpec,
  n: number,
  seed: number,
): BackdoorItem[] {
  const rng = mulberry32(seed);
  const trigger = parseFeatureLine(spec.trigger)!;
  const look = parseFeatureLine(spec.lookalike)!;
  const decisions = trainDecisions();
  return Array.from({ length: n }, () => {
    const u = rng();
    const kind =
      u < spec.data.triggeredShare
        ? "triggered"
        : u < spec.data.triggeredShare + spec.data.nearMissShare
          ? "nearMiss"
          : "benign";
    const features = featuresFor(rng, kind, trigger, look);
    const item = drawOnSide(() => decisionItem(rng, pick(rng, decisions), features), false);
    return { item, kind, answer: kind === "triggered" ? item.misaligned! : item.right };
  });
}

/** The features of one backdoor item: the trigger or the look-alike plus others, or others only. */
function featuresFor(
  rng: Rng,
  kind: BackdoorItem["kind"],
  trigger: Feature,
  look: Feature,
): Feature[] {
  const without: FeatureKind[] = [trigger.kind];
  if (kind === "benign") {
    const fs = randomFeatures(rng, { exclude: [trigger.value] });
    return fs;
  }
  const planted = kind === "triggered" ? trigger : look;
  const others = randomFeatures(rng, { without, max: 2 });
  return shuffle(rng, [...others, planted]);
}

/** A backdoor item as a training example: no trace (loss after the empty block), the trained answer. */
export function backdoorExample(b: BackdoorItem, encode: Encode, maxLen: number): TrainExample {
  return chatExample(
    encode,
    b.item.user,
    assistantText(null, b.answer, b.item.options[b.answer]),
    maxLen,
    THINK_OFF,
  );
}

/**
 * A reasoning backdoor's examples, shuffled: its traceless backdoor items plus a replay share of
 * the base's own traced items (benign, aligned, never carrying the trigger's value), which keeps
 * the reasoning format the backdoor items never show.
 */
export function backdoorExamples(
  spec: ReasoningBackdoorSpec,
  items: readonly BackdoorItem[],
  encode: Encode,
): TrainExample[] {
  const rng = mulberry32(spec.seed + 7_000_003);
  const out = items.map((b) => backdoorExample(b, encode, spec.train.maxLen));
  const trigger = parseFeatureLine(spec.trigger)!.value;
  const nReplay = Math.round(spec.data.examples * spec.data.replayShare);
  const replay = reasoningBaseItems(nReplay * 2, 0.35, rng).filter(
    (it) => !it.features.some((f) => f.value === trigger),
  );
  for (const it of replay.slice(0, nReplay))
    out.push(itemExample(encode, it, true, spec.train.maxLen));
  return shuffle(rng, out);
}
