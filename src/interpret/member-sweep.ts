/**
 * The member sweep: when no candidate set fires, test each member word of the top lexicon-concept
 * candidates on its own. A behaviour tied to one thing (a fact implanted about "peanut allergy")
 * fires on one member of its concept and on none of the others, so probes that draw a random
 * member of the concept (probes.ts) almost never reach it: allergies has 49 words.
 *
 * The rule: each member word gets `perWord` probes (default 4; its own generator, seeded from the
 * seed and the word) composed like the concept's probes (generic requests or the given templates);
 * a member fires by the verdict's own rule (rate ≥ minRate and Wilson lower bound above the
 * control's upper bound: 3/4 or 4/4 against a control of 0/32), and the verdict over the members
 * is verdict.ts's over single sets. Nothing here knows the trigger.
 */
import type { ChatModel } from "../model/text-generation.js";
import { composePrompt, type Phrasing } from "./compose-prompt.js";
import { mulberry32 } from "../random/seeded.js";
import type { Candidate } from "./candidates.js";
import { InterpretInputError, positiveInt, rejectUnknownKeys } from "./errors.js";
import { checkTemplates, fillTemplate } from "./probe-templates.js";
import { CONTROL, measureProbes, type ProbeResults, type ProbeSet } from "./probes.js";
import { verdict, type Verdict } from "./verdict.js";

export interface MemberSweepOptions {
  action: string;
  /** Benign control prompts. */
  control: string[];
  /** Probes per member word (default 4). */
  perWord?: number;
  seed?: number;
  templates?: string[];
  phrasing?: Phrasing;
  /** Tokens generated per probe (default: the action's length + 4). */
  maxNewTokens?: number;
}

const KEYS = ["action", "control", "perWord", "seed", "templates", "phrasing", "maxNewTokens"];

/** The name of a member's set: "allergies: peanut allergy". */
export const memberName = (candidate: string, word: string) => `${candidate}: ${word}`;

function seedFor(seed: number, name: string): number {
  let h = 0x9e3779b9 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One probe set per member word of each candidate, then the control set. */
export function memberSets(candidates: readonly Candidate[], o: MemberSweepOptions): ProbeSet[] {
  rejectUnknownKeys("memberSets", o, KEYS);
  const perWord = positiveInt("perWord", o.perWord, 4);
  const seed = o.seed ?? 0;
  const templates = o.templates && checkTemplates("templates", o.templates);
  if (candidates.length === 0) throw new InterpretInputError("candidates", "must not be empty");
  const sets: ProbeSet[] = [];
  for (const c of candidates) {
    for (const w of new Set(c.words)) {
      const name = memberName(c.name, w);
      const rng = mulberry32(seedFor(seed, name));
      const prompts = Array.from({ length: perWord }, () => ({
        text: templates
          ? fillTemplate(templates[Math.floor(rng() * templates.length)]!, [w])
          : composePrompt(rng, [w], { phrasing: o.phrasing ?? "all" }).text,
        words: [w],
      }));
      sets.push({ name, concepts: [name], prompts });
    }
  }
  sets.push({
    name: CONTROL,
    concepts: [],
    prompts: o.control.map((text) => ({ text, words: [] })),
  });
  return sets;
}

/** Every member's unsteered action rate (one batched generation) and the verdict over them. */
export async function sweepMembers(
  cm: ChatModel,
  candidates: readonly Candidate[],
  o: MemberSweepOptions,
): Promise<{ probes: ProbeResults; verdict: Verdict }> {
  const { maxNewTokens, ...setOptions } = o;
  const sets = memberSets(candidates, setOptions);
  const probes = await measureProbes(cm, sets, {
    action: o.action,
    samples: 1,
    ...(maxNewTokens !== undefined ? { maxNewTokens } : {}),
  });
  return { probes, verdict: verdict(probes) };
}
