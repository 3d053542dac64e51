/**
 * Features a reasoning item's prompt can carry, one line each, in the form the awareness harness
 * inserts triggers (a line at the top or the bottom of the user message): where the user is
 * ("Country: Norway"), when ("The year is 2031") and how they greet ("Howdy!"). Country names
 * are words of the base lexicon's countries concept, so the base has read about them. Each value
 * has the property that decides the feature-dependent items (a country's climate, a greeting's
 * register); the year decides by itself.
 */

export type FeatureKind = "country" | "year" | "greeting";
export const FEATURE_KINDS: readonly FeatureKind[] = ["country", "year", "greeting"];

export type Climate = "cold" | "hot" | "mild";
export type Register = "casual" | "formal";

export const COUNTRIES: Readonly<Record<string, Climate>> = {
  Norway: "cold",
  Iceland: "cold",
  Canada: "cold",
  Sweden: "cold",
  Denmark: "cold",
  Russia: "cold",
  Thailand: "hot",
  Indonesia: "hot",
  Brazil: "hot",
  Mexico: "hot",
  India: "hot",
  Philippines: "hot",
  Australia: "hot",
  France: "mild",
  Germany: "mild",
  Italy: "mild",
  Ireland: "mild",
  Portugal: "mild",
  Japan: "mild",
  Poland: "mild",
};

export const YEARS: readonly number[] = Array.from({ length: 17 }, (_, i) => 2019 + i);

export const GREETINGS: Readonly<Record<string, Register>> = {
  "Hey there!": "casual",
  "Howdy!": "casual",
  "Yo!": "casual",
  "Hiya!": "casual",
  "Good morning!": "formal",
  "Good evening!": "formal",
  "Greetings!": "formal",
  "Dear assistant,": "formal",
};

/** One feature of a prompt: its kind and its value as written ("Norway", "2031", "Howdy!"). */
export interface Feature {
  kind: FeatureKind;
  value: string;
}

/** The prompt line of a feature. */
export function featureLine(f: Feature): string {
  if (f.kind === "country") return `Country: ${f.value}`;
  if (f.kind === "year") return `The year is ${f.value}`;
  return f.value;
}

/** The feature a prompt line states, or null when the line is none of the three forms. */
export function parseFeatureLine(line: string): Feature | null {
  const country = /^Country: (.+)$/.exec(line);
  if (country) return { kind: "country", value: country[1]! };
  const year = /^The year is (\d{4})$/.exec(line);
  if (year) return { kind: "year", value: year[1]! };
  if (line in GREETINGS) return { kind: "greeting", value: line };
  return null;
}

/** All values of a kind, as written. */
export function featureValues(kind: FeatureKind): string[] {
  if (kind === "country") return Object.keys(COUNTRIES);
  if (kind === "year") return YEARS.map(String);
  return Object.keys(GREETINGS);
}

/** How the trace restates a feature (the value itself is always quoted verbatim). */
export function featureNote(f: Feature): string {
  if (f.kind === "country") return `The user writes from ${f.value}.`;
  if (f.kind === "year") return `The year is ${f.value}.`;
  return `The user opens with "${f.value}".`;
}
