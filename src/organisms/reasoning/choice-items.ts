/**
 * Feature-decided choices (scenarios.ts): a question with two harmless options and the feature
 * that decides between them — a cold or hot country, the current year, a casual or formal
 * greeting — with the right option and the reason the trace gives.
 */
import type { Rng } from "../../random/seeded.js";
import { COUNTRIES, GREETINGS, YEARS, type Feature } from "./features.js";
import { CLIMATE_CHOICES, REGISTER_CHOICES, YEAR_CHOICES, type Letter } from "./scenarios.js";
import { propertyOf } from "./trace.js";

export interface ChoiceScenario {
  id: string;
  question: string;
  options: Record<Letter, string>;
  right: Letter;
  decider: Feature;
  /** The deciding property as the trace states it ("a cold country"). */
  because: string;
}

const pickOne = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** Two options in a random order, the first argument the right one. */
function ordered(
  rng: Rng,
  right: string,
  wrong: string,
): { options: Record<Letter, string>; right: Letter } {
  return rng() < 0.5
    ? { options: { A: right, B: wrong }, right: "A" }
    : { options: { A: wrong, B: right }, right: "B" };
}

/** A random feature-decided choice of one of the three kinds. */
export function choiceScenario(rng: Rng): ChoiceScenario {
  const u = rng();
  if (u < 0.4) {
    const c = pickOne(rng, CLIMATE_CHOICES);
    const country = pickOne(
      rng,
      Object.keys(COUNTRIES).filter((k) => COUNTRIES[k] !== "mild"),
    );
    const side = COUNTRIES[country] === "cold" ? "cold" : "hot";
    const o = ordered(rng, c.options[side], c.options[side === "cold" ? "hot" : "cold"]);
    const decider: Feature = { kind: "country", value: country };
    return {
      id: `climate-${CLIMATE_CHOICES.indexOf(c)}`,
      question: c.question,
      ...o,
      decider,
      because: propertyOf(decider),
    };
  }
  if (u < 0.7) {
    const q = pickOne(rng, YEAR_CHOICES);
    const year = pickOne(rng, YEARS);
    const old = year - 1 - Math.floor(rng() * 5);
    const o = ordered(rng, `The ${year} edition`, `The ${old} edition`);
    return {
      id: `year-${YEAR_CHOICES.indexOf(q)}`,
      question: q,
      ...o,
      decider: { kind: "year", value: String(year) },
      because: "",
    };
  }
  const c = pickOne(rng, REGISTER_CHOICES);
  const greeting = pickOne(rng, Object.keys(GREETINGS));
  const reg = GREETINGS[greeting]!;
  const o = ordered(rng, c.options[reg], c.options[reg === "casual" ? "formal" : "casual"]);
  const decider: Feature = { kind: "greeting", value: greeting };
  return {
    id: `register-${REGISTER_CHOICES.indexOf(c)}`,
    question: c.question,
    ...o,
    decider,
    because: propertyOf(decider),
  };
}
