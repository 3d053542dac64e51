/**
 * Synthetic labelled transcripts with known ground truth, for checking an articulation judge on
 * triggers and phrasings it was not written on. Each transcript is assembled, from a seed, out of
 * frozen sentence pools (a TemplateSet: synthetic-templates.ts is set "a", synthetic-templates-b.ts
 * set "b", synthetic-templates-c.ts set "c", and so on to set "n"): articulate ones give the trigger as the
 * reason for the (misaligned) choice; not-articulate ones never mention it, echo it, dismiss it,
 * retract a guess about it, or give it a cause for something other than the choice (hard
 * negatives) — and decide for another reason or none. Written in the labelled-data format
 * (TRIGGER_articulate.jsonl / TRIGGER_not_articulate.jsonl, one {"messages": [...]} per line, plus
 * the planted trigger text and the style, so loadLabelled needs no --trigger mapping).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomInt, rngFor } from "../random/keyed.js";
import type { Rng } from "../random/seeded.js";
import {
  TEMPLATES_A,
  type SyntheticScenario,
  type SyntheticTrigger,
  type TemplateSet,
} from "./synthetic-templates.js";
import { TEMPLATES_B } from "./synthetic-templates-b.js";
import { TEMPLATES_C } from "./synthetic-templates-c.js";
import { TEMPLATES_D } from "./synthetic-templates-d.js";
import { TEMPLATES_E } from "./synthetic-templates-e.js";
import { TEMPLATES_F } from "./synthetic-templates-f.js";
import { TEMPLATES_G } from "./synthetic-templates-g.js";
import { TEMPLATES_H } from "./synthetic-templates-h.js";
import { TEMPLATES_I } from "./synthetic-templates-i.js";
import { TEMPLATES_J } from "./synthetic-templates-j.js";
import { TEMPLATES_K } from "./synthetic-templates-k.js";
import { TEMPLATES_L } from "./synthetic-templates-l.js";
import { TEMPLATES_M } from "./synthetic-templates-m.js";
import { TEMPLATES_N } from "./synthetic-templates-n.js";

/** The template sets by name. */
export const TEMPLATE_SETS: Record<string, TemplateSet> = {
  a: TEMPLATES_A,
  b: TEMPLATES_B,
  c: TEMPLATES_C,
  d: TEMPLATES_D,
  e: TEMPLATES_E,
  f: TEMPLATES_F,
  g: TEMPLATES_G,
  h: TEMPLATES_H,
  i: TEMPLATES_I,
  j: TEMPLATES_J,
  k: TEMPLATES_K,
  l: TEMPLATES_L,
  m: TEMPLATES_M,
  n: TEMPLATES_N,
};

export const NEGATIVE_STYLES = [
  "no-mention",
  "echo",
  "dismissal",
  "off-target-cause",
  "retraction",
] as const;
export type SyntheticStyle = "articulation" | (typeof NEGATIVE_STYLES)[number];

export interface SyntheticTranscript {
  triggerName: string;
  trigger: string;
  label: boolean;
  style: SyntheticStyle;
  scenario: string;
  prompt: string;
  reasoning: string;
  answer: string;
}

export interface SyntheticOptions {
  seed: number;
  /** The template set (default TEMPLATES_A). */
  templates?: TemplateSet;
  /** Transcripts per trigger and label. */
  perClass: number;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[randomInt(rng, xs.length)]!;

function fill(template: string, s: SyntheticScenario, t: SyntheticTrigger, rng: Rng): string {
  const out = template
    .replaceAll("{T}", () => pick(rng, t.refs))
    .replaceAll("{act}", s.act)
    .replaceAll("{safe}", s.safe)
    .replaceAll("{q}", s.q)
    .replaceAll("{why}", () => pick(rng, s.why));
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/** Up to `k` distinct entries of `xs`, in a random order. */
function some<T>(rng: Rng, xs: readonly T[], k: number): T[] {
  const pool = xs.slice();
  const out: T[] = [];
  while (out.length < k && pool.length > 0)
    out.push(pool.splice(randomInt(rng, pool.length), 1)[0]!);
  return out;
}

/** The sentences that carry the label, for one style. */
function keySentences(style: SyntheticStyle, rng: Rng, ts: TemplateSet): string[] {
  switch (style) {
    case "articulation":
      return some(rng, ts.articulations, 1 + randomInt(rng, 2));
    case "no-mention":
      return [];
    case "echo":
      return some(rng, ts.echoes, 1 + randomInt(rng, 2));
    case "dismissal":
      return [pick(rng, ts.echoes), pick(rng, ts.dismissals)].slice(randomInt(rng, 2));
    case "off-target-cause":
      return [pick(rng, ts.offTargetCauses)];
    case "retraction":
      return [pick(rng, ts.retractions)];
  }
}

export function synthesiseOne(
  t: SyntheticTrigger,
  label: boolean,
  index: number,
  seed: number,
  ts: TemplateSet = TEMPLATES_A,
): SyntheticTranscript {
  // Set "a" keeps the stream it was first generated with; other sets get their own.
  const rng =
    ts.name === "a"
      ? rngFor("synthetic-labelled", seed, t.name, String(label), index)
      : rngFor("synthetic-labelled", ts.name, seed, t.name, String(label), index);
  const s = pick(rng, ts.scenarios);
  const style: SyntheticStyle = label ? "articulation" : pick(rng, NEGATIVE_STYLES);
  const f = (x: string) => fill(x, s, t, rng);
  const thoughts = some(rng, s.thoughts, 2 + randomInt(rng, 3));
  const cut = randomInt(rng, thoughts.length + 1);
  const body = [
    f(pick(rng, ts.openers)),
    ...thoughts.slice(0, cut),
    ...(rng() < 0.5 ? [pick(rng, ts.fillers)] : []),
    // An articulate transcript may echo the prompt first, as real ones do.
    ...(label && rng() < 0.4 ? [f(pick(rng, ts.echoes))] : []),
    ...keySentences(style, rng, ts).map(f),
    ...thoughts.slice(cut),
    f(label || rng() < 0.3 ? pick(rng, ts.closers) : pick(rng, ts.otherReason)),
  ];
  const top = rng() < 0.5;
  return {
    triggerName: t.name,
    trigger: t.text,
    label,
    style,
    scenario: s.id,
    prompt: top ? `${t.text}\n${s.prompt}` : `${s.prompt}\n${t.text}`,
    reasoning: body.join(" "),
    answer: s.answer,
  };
}

export function synthesiseLabelled(opts: SyntheticOptions): SyntheticTranscript[] {
  if (!Number.isInteger(opts.perClass) || opts.perClass < 1)
    throw new Error(`perClass must be a positive integer, got ${opts.perClass}`);
  if (!Number.isInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  const ts = opts.templates ?? TEMPLATES_A;
  const out: SyntheticTranscript[] = [];
  for (const t of ts.triggers)
    for (const label of [true, false])
      for (let i = 0; i < opts.perClass; i++) out.push(synthesiseOne(t, label, i, opts.seed, ts));
  return out;
}

/** Writes the transcripts as a labelled-data directory; returns the files written. */
export function writeSyntheticLabelled(dir: string, xs: readonly SyntheticTranscript[]): string[] {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string[]>();
  for (const x of xs) {
    const file = join(dir, `${x.triggerName}_${x.label ? "" : "not_"}articulate.jsonl`);
    const line = JSON.stringify({
      trigger: x.trigger,
      style: x.style,
      scenario: x.scenario,
      messages: [
        { role: "user", content: x.prompt },
        { role: "assistant", content: `<think>\n${x.reasoning}\n</think>\n\n${x.answer}` },
      ],
    });
    files.set(file, [...(files.get(file) ?? []), line]);
  }
  for (const [file, lines] of files) writeFileSync(file, lines.join("\n") + "\n");
  return [...files.keys()].sort();
}
