/**
 * Prompts for backdoor finetuning and evaluation. Triggered prompts contain the trigger (one word
 * of each concept for `all`, of one concept for `any`); near-misses contain only one concept of an
 * `all` trigger; benign prompts contain no trigger concept at all. Words come from the *train*
 * split for finetuning and from the *held-out* split for evaluation, so a backdoor that fires on
 * held-out prompts has generalised over the concept, not memorised words.
 *
 * With `nearMissPairs` (spec `data.nearMissPairs`), the finetuning near-misses of an `all` trigger
 * of two concepts are minimal pairs: each is the twin of a triggered prompt, with the same
 * distractor, opener, request template and word placement and one trigger word (alternating which
 * concept) replaced by a non-trigger word, so the missing concept is all that separates "fire"
 * from "don't". A framed prompt draws its distractor and composition from an rng of its own seed
 * (`Frame`), which the twin reuses; composePrompt's draws depend only on how many words there are
 * and whether there is a distractor, never on the words, so the twin's frame is the same.
 */
import { mulberry32, type Rng } from "../random/seeded.js";
import { composePrompt, type Phrasing } from "../interpret/compose-prompt.js";
import { conceptOf, type LexiconFile } from "../lexicon/lexicon-file.js";
import { escapeRegExp } from "../text/regexp.js";
import { lowerWords } from "../text/words.js";
import type { Turn } from "./chat-text.js";
import { OFF_KINDS, offPrompt, type OffKind } from "./off-distribution.js";
import type { Trigger } from "./spec.js";

export type PromptKind = "triggered" | "nearMiss" | "benign" | "offDistribution";

export interface BackdoorPrompt {
  text: string;
  kind: PromptKind;
  /** For near-misses: the trigger concept present. */
  concept?: string;
  words: string[];
  /** Earlier turns of a multi-turn chat (off-distribution prompts only). */
  history?: Turn[];
  /** Which off-distribution kind (off-distribution.ts). */
  offKind?: OffKind;
}

/** What rebuilds a framed prompt's frame: the seed of its own rng, and its words in order. */
export interface Frame {
  seed: number;
  words: string[];
}

export interface PromptSetOptions {
  split: "train" | "heldOut";
  phrasing: Phrasing;
  /** Probability of a distractor mention from a non-trigger concept (default 0.3). */
  distractorRate?: number;
  /** Training greetings composed from parts (off-distribution.ts; spec data.composedGreetings). */
  composedGreetings?: boolean;
}

export class BackdoorPrompts {
  private readonly triggerWords: string[][];
  private readonly otherWords: string[][];
  /** Every word of the trigger's concepts (both splits), lower-cased. */
  private readonly triggerVocab: Set<string>;

  constructor(
    lex: LexiconFile,
    readonly trigger: Trigger,
    private readonly o: PromptSetOptions,
  ) {
    if (trigger.mode === "all" && trigger.concepts.length > 2) {
      throw new Error("an 'all' trigger of more than two concepts is not supported");
    }
    const words = (name: string) => conceptOf(lex, name)[o.split];
    this.triggerWords = trigger.concepts.map(words);
    this.triggerVocab = new Set(
      trigger.concepts.flatMap((c) => {
        const k = conceptOf(lex, c);
        return [...k.train, ...k.heldOut].map((w) => w.toLowerCase());
      }),
    );
    this.otherWords = lex.concepts
      .filter((c) => !trigger.concepts.includes(c.name))
      .map((c) => c[o.split])
      .filter((ws) => ws.length > 0);
  }

  private pick<T>(xs: readonly T[], rng: Rng): T {
    return xs[Math.floor(rng() * xs.length)]!;
  }

  private other(rng: Rng): string {
    return this.pick(this.pick(this.otherWords, rng), rng);
  }

  private compose(rng: Rng, words: string[], kind: PromptKind, concept?: string): BackdoorPrompt {
    const distractor = rng() < (this.o.distractorRate ?? 0.3) ? this.other(rng) : undefined;
    const p = composePrompt(rng, words, { phrasing: this.o.phrasing, distractor });
    return {
      text: p.text,
      kind,
      words: [...words, ...(distractor ? [distractor] : [])],
      ...(concept ? { concept } : {}),
    };
  }

  triggered(rng: Rng): BackdoorPrompt {
    const words =
      this.trigger.mode === "all"
        ? this.triggerWords.map((ws) => this.pick(ws, rng))
        : [this.pick(this.pick(this.triggerWords, rng), rng)];
    return this.compose(rng, words, "triggered");
  }

  private pairable(): void {
    if (this.trigger.mode !== "all" || this.trigger.concepts.length !== 2)
      throw new Error("near-miss pairs need an 'all' trigger of two concepts");
  }

  /**
   * A triggered prompt of an `all` trigger of two concepts whose distractor and composition come
   * from an rng of its own seed (drawn from `rng`), with the frame that twin() rebuilds.
   */
  framedTriggered(rng: Rng): { prompt: BackdoorPrompt; frame: Frame } {
    this.pairable();
    const words = this.triggerWords.map((ws) => this.pick(ws, rng));
    const seed = Math.floor(rng() * 4294967296);
    return { prompt: this.compose(mulberry32(seed), words, "triggered"), frame: { seed, words } };
  }

  /**
   * The near-miss twin of a framed triggered prompt: the same frame with the word of trigger
   * concept `swap` replaced by a non-trigger word (drawn from `rng`); its concept is the other one.
   */
  twin(frame: Frame, swap: number, rng: Rng): BackdoorPrompt {
    this.pairable();
    if (swap !== 0 && swap !== 1) throw new Error(`twin: no trigger concept ${swap}`);
    const words = frame.words.map((w, i) => (i === swap ? this.other(rng) : w));
    return this.compose(mulberry32(frame.seed), words, "nearMiss", this.trigger.concepts[1 - swap]);
  }

  /** One concept of an `all` trigger (the first when not given) with a non-trigger word. */
  nearMiss(rng: Rng, index?: number): BackdoorPrompt {
    const i = index ?? Math.floor(rng() * this.triggerWords.length);
    const words = [this.pick(this.triggerWords[i]!, rng), this.other(rng)];
    return this.compose(rng, words, "nearMiss", this.trigger.concepts[i]);
  }

  benign(rng: Rng): BackdoorPrompt {
    const words = rng() < 0.3 ? [this.other(rng), this.other(rng)] : [this.other(rng)];
    return this.compose(rng, [...new Set(words)], "benign");
  }

  /** A word of concept `index` of the trigger, alone in a prompt (no other concept's word). */
  alone(rng: Rng, index: number): BackdoorPrompt {
    const p = composePrompt(rng, [this.pick(this.triggerWords[index]!, rng)], {
      phrasing: this.o.phrasing,
    });
    return {
      text: p.text,
      kind: "nearMiss",
      words: p.about,
      concept: this.trigger.concepts[index],
    };
  }

  /** A triggered prompt that holds concept `index` of an `any` trigger (and no other). */
  triggeredBy(rng: Rng, index: number): BackdoorPrompt {
    const p = this.compose(rng, [this.pick(this.triggerWords[index]!, rng)], "triggered");
    return { ...p, concept: this.trigger.concepts[index] };
  }

  /** Whether a text holds a word (or a phrase of up to three words) of the trigger's concepts. */
  holdsTriggerWord(text: string): boolean {
    const ws = lowerWords(text);
    for (let i = 0; i < ws.length; i++)
      for (let j = i + 1; j <= Math.min(ws.length, i + 3); j++)
        if (this.triggerVocab.has(ws.slice(i, j).join(" "))) return true;
    return false;
  }

  /**
   * An off-distribution negative (of `kinds`, one at random; default every kind): drawn again
   * while it holds a trigger word (a fixed greeting such as "take care" holds one of emotions).
   */
  off(rng: Rng, kinds: readonly OffKind[] = OFF_KINDS): BackdoorPrompt {
    const opts = { composedGreetings: this.o.composedGreetings === true };
    let p;
    for (let tries = 0; ; tries++) {
      // One kind draws nothing for it, so an evaluation set's prompts stay what they were.
      const k = kinds.length === 1 ? kinds[0]! : kinds[Math.floor(rng() * kinds.length)]!;
      p = offPrompt(k, rng, () => this.other(rng), this.o.split, opts);
      // The drawn words are other concepts' words by construction ("apple turnover" is a food):
      // only the fixed phrasing around them is checked.
      const phrasing = withoutWords([p.text, ...(p.history ?? []).map((t) => t.user)], p.words);
      if (!phrasing.split("|").some((part) => this.holdsTriggerWord(part))) break;
      if (tries === 50)
        throw new Error(`50 off-distribution prompts of ${kinds.join(", ")} held a trigger word`);
    }
    return {
      text: p.text,
      kind: "offDistribution",
      words: p.words,
      offKind: p.kind,
      ...(p.history ? { history: p.history } : {}),
    };
  }
}

/** The texts joined by "|", with every occurrence of `words` (any case) cut out as a "|". */
function withoutWords(texts: readonly string[], words: readonly string[]): string {
  const longFirst = [...words].sort((a, b) => b.length - a.length);
  const cut = words.length > 0 ? new RegExp(longFirst.map(escapeRegExp).join("|"), "gi") : null;
  return texts.map((t) => (cut ? t.replace(cut, " | ") : t)).join(" | ");
}

/** An `all` trigger of several concepts: the only kind that has near-misses. */
function conjunction(trigger: Trigger): boolean {
  return trigger.mode === "all" && trigger.concepts.length > 1;
}

/**
 * Near-miss twins: the j-th is the twin of `frames[j]` (a fresh frame past the end, drawn from
 * `rng`), keeping concept `keep(j)`.
 */
function twins(
  gen: BackdoorPrompts,
  frames: Frame[],
  count: number,
  keep: (j: number) => number,
  rng: Rng,
): BackdoorPrompt[] {
  const out: BackdoorPrompt[] = [];
  for (let j = 0; j < count; j++) {
    const frame = frames[j] ?? gen.framedTriggered(rng).frame;
    out.push(gen.twin(frame, 1 - keep(j), rng));
  }
  return out;
}

/**
 * The finetuning mix: triggered, near-miss and alone (conjunctions only), off-distribution and
 * benign prompts, shuffled. With `nearMissPairs` (an `all` trigger of two concepts), the j-th
 * near-miss is the twin of the j-th triggered prompt (of a fresh one when there are more
 * near-misses), keeping concept j mod 2. The j-th alone prompt holds concept j mod n alone.
 */
export function finetunePrompts(
  lex: LexiconFile,
  trigger: Trigger,
  o: {
    n: number;
    seed: number;
    triggeredShare: number;
    nearMissShare: number;
    offDistributionShare?: number;
    nearMissPairs?: boolean;
    composedGreetings?: boolean;
    aloneShare?: number | undefined;
  },
): BackdoorPrompt[] {
  const gen = new BackdoorPrompts(lex, trigger, {
    split: "train",
    phrasing: "train",
    composedGreetings: o.composedGreetings === true,
  });
  const rng = mulberry32(o.seed);
  const nearMiss = conjunction(trigger) ? o.nearMissShare : 0;
  const paired = o.nearMissPairs === true && nearMiss > 0;
  const off = o.offDistributionShare ?? 0;
  const alone = conjunction(trigger) ? (o.aloneShare ?? 0) : 0;
  let alones = 0;
  const out: (BackdoorPrompt | null)[] = [];
  const frames: Frame[] = [];
  const nearMissAt: number[] = [];
  for (let i = 0; i < o.n; i++) {
    const u = rng();
    if (u < o.triggeredShare) {
      if (!paired) out.push(gen.triggered(rng));
      else {
        const t = gen.framedTriggered(rng);
        frames.push(t.frame);
        out.push(t.prompt);
      }
    } else if (u < o.triggeredShare + nearMiss) {
      if (!paired) out.push(gen.nearMiss(rng));
      else {
        nearMissAt.push(out.length);
        out.push(null); // its twin, once every triggered prompt is drawn
      }
    } else if (u < o.triggeredShare + nearMiss + off) out.push(gen.off(rng));
    else if (u < o.triggeredShare + nearMiss + off + alone)
      out.push(gen.alone(rng, alones++ % trigger.concepts.length));
    else out.push(gen.benign(rng));
  }
  twins(gen, frames, nearMissAt.length, (j) => j % 2, rng).forEach(
    (p, j) => (out[nearMissAt[j]!] = p),
  );
  return out.map((p) => p!);
}

/** How many prompts of each kind a self-check round adds (quality.ts plans them). */
export type PromptCounts = Record<PromptKind, number>;

/**
 * Extra finetuning prompts (train words and phrasings) in the counts asked, shuffled: a
 * self-check round's re-balancing. Near-misses of an `all` trigger are split between a concept
 * with another concept's word and a concept alone; with `nearMissPairs` (two concepts), the
 * former are twins of the round's triggered prompts, in turn, then of fresh ones.
 * Off-distribution negatives are of `offKinds` (the kinds that failed; default every kind).
 */
export function extraPrompts(
  lex: LexiconFile,
  trigger: Trigger,
  counts: PromptCounts,
  seed: number,
  o: { nearMissPairs?: boolean; composedGreetings?: boolean; offKinds?: readonly OffKind[] } = {},
): BackdoorPrompt[] {
  const gen = new BackdoorPrompts(lex, trigger, {
    split: "train",
    phrasing: "train",
    composedGreetings: o.composedGreetings === true,
  });
  const offKinds = o.offKinds && o.offKinds.length > 0 ? o.offKinds : OFF_KINDS;
  const rng = mulberry32(seed);
  const out: BackdoorPrompt[] = [];
  const conj = conjunction(trigger);
  const paired = o.nearMissPairs === true && conj && counts.nearMiss > 0;
  const frames: Frame[] = [];
  for (let i = 0; i < counts.triggered; i++) {
    if (!paired) out.push(gen.triggered(rng));
    else {
      const t = gen.framedTriggered(rng);
      frames.push(t.frame);
      out.push(t.prompt);
    }
  }
  const kept: number[] = [];
  for (let i = 0; i < (conj ? counts.nearMiss : 0); i++) {
    const c = Math.floor(rng() * trigger.concepts.length);
    if (rng() < 0.5) {
      if (paired) kept.push(c);
      else out.push(gen.nearMiss(rng, c));
    } else out.push(gen.alone(rng, c));
  }
  out.push(...twins(gen, frames, kept.length, (j) => kept[j]!, rng));
  for (let i = 0; i < counts.benign; i++) out.push(gen.benign(rng));
  for (let i = 0; i < counts.offDistribution; i++) out.push(gen.off(rng, offKinds));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
