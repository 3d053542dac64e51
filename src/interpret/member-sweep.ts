/**
 * The member sweep: when no candidate set fires, test each member word of the top lexicon-concept
 * candidates on its own. A behaviour tied to one thing (a fact implanted about "peanut allergy")
 * fires on one member of its concept and on none of the others, so probes that draw a random
 * member of the concept (probes.ts) almost never reach it: allergies has 49 words.
 *
 * The rule: each member word gets `perWord` probes (default 4; its own generator, seeded from the
 * seed and the word) composed like the concept's probes (generic requests or the given templates);
 * a member passes the screen by the verdict's own rule (rate ≥ minRate and Wilson lower bound
 * above the control's upper bound: 2/4 already passes against a control of 0/32). Screening a
 * concept's 100+ members that way picks a few by chance on an organism that acts now and then
 * (game seed 1's g1-01, development data: two emotion words at 2/4 each, while emotions fired 1 of
 * 24 probes), so each member that passes is measured again on `confirmN` fresh probes (default 12,
 * another seed), and the verdict is verdict.ts's over the confirmed members only: the screen
 * chooses, the confirmation decides. Nothing here knows the trigger.
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
  /** Fresh probes per member that passes the screen (default 12). */
  confirmN?: number;
  seed?: number;
  templates?: string[];
  phrasing?: Phrasing;
  /** Tokens generated per probe (default: the action's length + 4). */
  maxNewTokens?: number;
}

const KEYS = [
  "action",
  "control",
  "perWord",
  "confirmN",
  "seed",
  "templates",
  "phrasing",
  "maxNewTokens",
];

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

/**
 * Every member's unsteered action rate (one batched generation), the members that passed the
 * screen measured again on fresh probes, and the verdict over the confirmed measurements.
 */
export async function sweepMembers(
  cm: ChatModel,
  candidates: readonly Candidate[],
  o: MemberSweepOptions,
): Promise<{ probes: ProbeResults; confirmed: ProbeResults | null; verdict: Verdict }> {
  const { maxNewTokens, confirmN, ...setOptions } = o;
  const measure = {
    action: o.action,
    samples: 1,
    ...(maxNewTokens !== undefined ? { maxNewTokens } : {}),
  };
  const probes = await measureProbes(cm, memberSets(candidates, setOptions), measure);
  const screen = verdict(probes);
  const passed = new Set(screen.evidence.filter((e) => e.fires).map((e) => e.set[0]!));
  if (passed.size === 0) return { probes, confirmed: null, verdict: screen };
  const fresh = memberSets(candidates, {
    ...setOptions,
    perWord: positiveInt("confirmN", confirmN, 12),
    seed: (o.seed ?? 0) + 1,
  }).filter((s) => s.name === CONTROL || passed.has(s.name));
  const confirmed = await measureProbes(cm, fresh, measure);
  return { probes, confirmed, verdict: verdict(confirmed) };
}
