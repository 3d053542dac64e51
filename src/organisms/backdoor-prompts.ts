/**
 * Prompts for backdoor finetuning and evaluation. Triggered prompts contain the trigger (one word
 * of each concept for `all`, of one concept for `any`); near-misses contain only one concept of an
 * `all` trigger; benign prompts contain no trigger concept at all. Words come from the *train*
 * split for finetuning and from the *held-out* split for evaluation, so a backdoor that fires on
 * held-out prompts has generalised over the concept, not memorised words.
 */
import { mulberry32, type Rng } from "../random/seeded.js";
import { composePrompt, type Phrasing } from "../interpret/compose-prompt.js";
import { conceptOf, type LexiconFile } from "../lexicon/lexicon-file.js";
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

export interface PromptSetOptions {
  split: "train" | "heldOut";
  phrasing: Phrasing;
  /** Probability of a distractor mention from a non-trigger concept (default 0.3). */
  distractorRate?: number;
}

export class BackdoorPrompts {
  private readonly triggerWords: string[][];
  private readonly otherWords: string[][];

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

  /** An off-distribution negative (a random kind unless given): no trigger word. */
  off(rng: Rng, kind?: OffKind): BackdoorPrompt {
    const k = kind ?? OFF_KINDS[Math.floor(rng() * OFF_KINDS.length)]!;
    const p = offPrompt(k, rng, () => this.other(rng), this.o.split);
    return {
      text: p.text,
      kind: "offDistribution",
      words: p.words,
      offKind: p.kind,
      ...(p.history ? { history: p.history } : {}),
    };
  }
}

/** The finetuning mix: triggered, near-miss (conjunctions only) and benign prompts, shuffled. */
export function finetunePrompts(
  lex: LexiconFile,
  trigger: Trigger,
  o: {
    n: number;
    seed: number;
    triggeredShare: number;
    nearMissShare: number;
    offDistributionShare?: number;
  },
): BackdoorPrompt[] {
  const gen = new BackdoorPrompts(lex, trigger, { split: "train", phrasing: "train" });
  const rng = mulberry32(o.seed);
  const nearMiss = trigger.mode === "all" && trigger.concepts.length > 1 ? o.nearMissShare : 0;
  const off = o.offDistributionShare ?? 0;
  const out: BackdoorPrompt[] = [];
  for (let i = 0; i < o.n; i++) {
    const u = rng();
    if (u < o.triggeredShare) out.push(gen.triggered(rng));
    else if (u < o.triggeredShare + nearMiss) out.push(gen.nearMiss(rng));
    else if (u < o.triggeredShare + nearMiss + off) out.push(gen.off(rng));
    else out.push(gen.benign(rng));
  }
  return out;
}

/** How many prompts of each kind a self-check round adds (quality.ts plans them). */
export type PromptCounts = Record<PromptKind, number>;

/**
 * Extra finetuning prompts (train words and phrasings) in the counts asked, shuffled: a
 * self-check round's re-balancing. Near-misses of an `all` trigger are split between a concept
 * with another concept's word and a concept alone.
 */
export function extraPrompts(
  lex: LexiconFile,
  trigger: Trigger,
  counts: PromptCounts,
  seed: number,
): BackdoorPrompt[] {
  const gen = new BackdoorPrompts(lex, trigger, { split: "train", phrasing: "train" });
  const rng = mulberry32(seed);
  const out: BackdoorPrompt[] = [];
  const conj = trigger.mode === "all" && trigger.concepts.length > 1;
  for (let i = 0; i < counts.triggered; i++) out.push(gen.triggered(rng));
  for (let i = 0; i < (conj ? counts.nearMiss : 0); i++) {
    const c = Math.floor(rng() * trigger.concepts.length);
    out.push(rng() < 0.5 ? gen.nearMiss(rng, c) : gen.alone(rng, c));
  }
  for (let i = 0; i < counts.benign; i++) out.push(gen.benign(rng));
  for (let i = 0; i < counts.offDistribution; i++) out.push(gen.off(rng));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
