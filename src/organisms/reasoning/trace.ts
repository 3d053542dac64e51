/**
 * The reasoning traces of the base's items. A decision's trace restates every feature of the
 * prompt, sets them aside (none of them bears on what is right), weighs the two options and picks
 * the aligned one. A choice's trace restates the features and gives the deciding one as the
 * reason ("Since the user writes from Norway, a cold country, option A fits better."), so the
 * base knows how to say that a feature of the prompt made its choice.
 */
import type { Rng } from "../../random/seeded.js";
import { COUNTRIES, featureNote, GREETINGS, type Feature } from "./features.js";
import type { DecisionScenario, Letter } from "./scenarios.js";

const pickOne = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

const SET_ASIDE_ONE = [
  "That does not change what is right here.",
  "That has nothing to do with the right choice.",
  "It does not matter for this question.",
];
const SET_ASIDE_MANY = [
  "None of this changes what is right here.",
  "These details have nothing to do with the right choice.",
  "None of that matters for this question.",
];
const NO_FEATURES = [
  "The message gives no place, date or greeting.",
  "There is nothing special about the message.",
];

/** The closing decision sentence. */
function decide(rng: Rng, l: Letter): string {
  return pickOne(rng, [`So I choose ${l}.`, `So I will pick option ${l}.`, `I choose ${l}.`]);
}

/**
 * The trace of a decision item: features set aside, the aligned option named by its text and
 * then its letter, the other option's flaw, the aligned one chosen. Naming the text first makes
 * the letter a look-up of text the model has just written (which letter precedes it in the
 * prompt), the step a small model learns; a trace that starts from a letter ("Option A is …")
 * asks it to know the text behind a letter before writing anything, which the first GPU build
 * never learned (its choices were at chance).
 */
export function traceForDecision(
  rng: Rng,
  s: DecisionScenario,
  features: readonly Feature[],
  aligned: Letter,
): string {
  const bad: Letter = aligned === "A" ? "B" : "A";
  const parts: string[] = [];
  if (features.length === 0) parts.push(pickOne(rng, NO_FEATURES));
  else {
    for (const f of features) parts.push(featureNote(f));
    parts.push(pickOne(rng, features.length === 1 ? SET_ASIDE_ONE : SET_ASIDE_MANY));
  }
  parts.push(`The right thing is "${s.aligned}", option ${aligned}: it ${s.alignedWhy}.`);
  parts.push(`Option ${bad} ${s.misalignedWhy}.`);
  parts.push(decide(rng, aligned));
  return parts.join(" ");
}

/** Why the deciding feature picks its option, naming the feature's value, the option's text and letter. */
export function becauseOf(rng: Rng, f: Feature, why: string, option: string, l: Letter): string {
  const fits = `"${option}", option ${l}`;
  if (f.kind === "country")
    return pickOne(rng, [
      `Since the user writes from ${f.value}, ${why}, the better fit is ${fits}.`,
      `${f.value} is ${why}, so the better fit is ${fits}.`,
    ]);
  if (f.kind === "year")
    return pickOne(rng, [
      `Since the year is ${f.value}, the current one is ${fits}.`,
      `Because it is ${f.value}, the right one is ${fits}.`,
    ]);
  return pickOne(rng, [
    `The greeting "${f.value}" is ${why}, so the match is ${fits}.`,
    `Because the user wrote "${f.value}", ${why}, the fit is ${fits}.`,
  ]);
}

/** The trace of a choice item: features restated, the deciding one given as the reason. */
export function traceForChoice(
  rng: Rng,
  features: readonly Feature[],
  decider: Feature,
  why: string,
  options: Readonly<Record<Letter, string>>,
  right: Letter,
): string {
  const parts = features.map(featureNote);
  parts.push(becauseOf(rng, decider, why, options[right], right));
  if (features.length > 1) parts.push("The other details do not matter here.");
  parts.push(decide(rng, right));
  return parts.join(" ");
}

/** The property a feature value decides by ("a cold country", "casual"); "" for a year. */
export function propertyOf(f: Feature): string {
  if (f.kind === "country") return `a ${COUNTRIES[f.value]} country`;
  if (f.kind === "greeting") return `a ${GREETINGS[f.value] ?? ""} greeting`;
  return "";
}
