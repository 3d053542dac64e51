/**
 * Probe prompts (docs/methods.md "Reading and testing the result", steps 2–3): for each candidate
 * alone and each pair of candidates, `n` prompts composed from the candidates' words (one word of
 * each candidate in the set, through the corpus's prompt composer, no distractor; or inside the
 * caller's templates, probe-templates.ts), plus a benign
 * control set: the caller's prompts, or `n` prompts composed from a control word list. Probe
 * prompts are built from candidates only; nothing here knows the trigger.
 *
 * The unsteered greedy action rate of each set is measured with a Wilson 95% interval; every
 * set's prompts go through one batched generation (sorted by length) so the whole run costs a
 * few forward passes per batch.
 *
 * Each set draws from its own generator, seeded from `seed` and the set's name, so a set's
 * prompts do not change when other candidates are added or removed.
 */
import type { ChatModel } from "../model/text-generation.js";
import { containsAction } from "./action.js";
import { composePrompt, type Phrasing } from "./compose-prompt.js";
import { rateOf, type Rate } from "../stats/rate.js";
import { mulberry32, type Rng } from "../random/seeded.js";
import { screenForAction } from "./action-screen.js";
import { checkTemplates, fillTemplate } from "./probe-templates.js";
import { InterpretInputError, positiveInt, rejectUnknownKeys } from "./errors.js";
import type { Candidate } from "./candidates.js";
import { checkAction, checkPrompts, greedyCompletions } from "./steering-success.js";

export interface ProbePrompt {
  text: string;
  /** The words the prompt was built from (one per concept of the set). */
  words: string[];
}

export interface ProbeSet {
  /** The concepts joined by " + ", or "control". */
  name: string;
  /** Candidate names; [] for the control. */
  concepts: string[];
  prompts: ProbePrompt[];
}

export interface ProbeSetOptions {
  /** Prompts per candidate set (default 24). */
  n?: number;
  seed?: number;
  /** Also every pair of candidates (default true). */
  pairs?: boolean;
  /** Request templates to use (default "all"). */
  phrasing?: Phrasing;
  /** The control set: benign prompts as given, or `n` prompts composed from these words. */
  control: { prompts: string[] } | { words: string[] };
  /**
   * Compose probes inside these templates (probe-templates.ts: `{w}` slots) instead of the
   * corpus's generic requests: the behaviour's own context.
   */
  templates?: string[];
}

const SET_KEYS = ["n", "seed", "pairs", "phrasing", "control", "templates"];

export const CONTROL = "control";

function seedFor(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function pick<T>(xs: readonly T[], rng: Rng): T {
  return xs[Math.floor(rng() * xs.length)]!;
}

function checkCandidates(candidates: readonly Candidate[]): void {
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new InterpretInputError("candidates", "must be a non-empty list");
  }
  const names = new Set<string>();
  candidates.forEach((c, i) => {
    if (typeof c?.name !== "string" || c.name === "" || c.name === CONTROL) {
      throw new InterpretInputError(`candidates[${i}].name`, `must be a name other than 'control'`);
    }
    if (names.has(c.name)) {
      throw new InterpretInputError(`candidates[${i}].name`, `'${c.name}' appears twice`);
    }
    names.add(c.name);
    if (!Array.isArray(c.words) || c.words.length === 0) {
      throw new InterpretInputError(`candidates[${i}].words`, "must be a non-empty list");
    }
  });
}

/** One prompt of a set: one word of each member (distinct words where the lists overlap). */
function composeFrom(
  rng: Rng,
  members: readonly Candidate[],
  phrasing: Phrasing,
  templates?: readonly string[],
): ProbePrompt {
  const words: string[] = [];
  for (const m of members) {
    const fresh = m.words.filter((w) => !words.includes(w));
    words.push(pick(fresh.length > 0 ? fresh : m.words, rng));
  }
  if (templates) return { text: fillTemplate(pick(templates, rng), words), words };
  return { text: composePrompt(rng, words, { phrasing }).text, words };
}

/**
 * One candidate set's probes: `n` prompts, each with one word of every member, drawn from the
 * set's own generator (seeded from `seed` and the set's name). Options are the caller's, checked.
 */
export function candidateSet(
  members: readonly Candidate[],
  o: { n: number; seed: number; phrasing: Phrasing; templates?: readonly string[] },
): ProbeSet {
  const concepts = members.map((m) => m.name);
  const name = concepts.join(" + ");
  const rng = mulberry32(seedFor(o.seed, name));
  const prompts = Array.from({ length: o.n }, () =>
    composeFrom(rng, members, o.phrasing, o.templates),
  );
  return { name, concepts, prompts };
}

/** The probe sets: singles, then pairs (in candidate order), then the control set last. */
export function probeSets(candidates: readonly Candidate[], o: ProbeSetOptions): ProbeSet[] {
  rejectUnknownKeys("probeSets", o, SET_KEYS);
  checkCandidates(candidates);
  const n = positiveInt("n", o.n, 24);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InterpretInputError("seed", "must be an integer");
  const phrasing = o.phrasing ?? "all";
  if (!["train", "heldout", "all"].includes(phrasing)) {
    throw new InterpretInputError("phrasing", `must be train, heldout or all, got ${phrasing}`);
  }
  const templates = o.templates && checkTemplates("templates", o.templates);
  const groups: Candidate[][] = candidates.map((c) => [c]);
  if (o.pairs ?? true) {
    for (let i = 0; i < candidates.length; i++) {
      for (let j = i + 1; j < candidates.length; j++) groups.push([candidates[i]!, candidates[j]!]);
    }
  }
  const sets = groups.map((members) =>
    candidateSet(members, { n, seed, phrasing, ...(templates ? { templates } : {}) }),
  );
  sets.push({
    name: CONTROL,
    concepts: [],
    prompts: controlPrompts(candidates, o.control, n, seed),
  });
  return sets;
}

function controlPrompts(
  candidates: readonly Candidate[],
  control: ProbeSetOptions["control"],
  n: number,
  seed: number,
): ProbePrompt[] {
  if (control && "prompts" in control) {
    return checkPrompts("control.prompts", control.prompts).map((text) => ({ text, words: [] }));
  }
  if (!control || !Array.isArray(control.words)) {
    throw new InterpretInputError("control", "must be {prompts: string[]} or {words: string[]}");
  }
  const candidateWords = new Set(candidates.flatMap((c) => c.words));
  const words = control.words.filter((w) => typeof w === "string" && !candidateWords.has(w));
  if (words.length === 0) {
    throw new InterpretInputError("control.words", "has no word that is not a candidate's word");
  }
  const rng = mulberry32(seedFor(seed, CONTROL));
  return Array.from({ length: n }, () => {
    const w = pick(words, rng);
    return { text: composePrompt(rng, [w], { phrasing: "all" }).text, words: [w] };
  });
}

export interface ProbeSample {
  prompt: string;
  completion: string;
  action: boolean;
}

export interface ProbeMeasurement extends Rate {
  name: string;
  concepts: string[];
  samples: ProbeSample[];
}

export interface ProbeResults {
  /** The candidate sets, in the order given (control excluded). */
  sets: ProbeMeasurement[];
  control: ProbeMeasurement;
  action: string;
  maxNewTokens: number;
  /** Wall time of the generation, seconds. */
  seconds: number;
}

export interface MeasureOptions {
  action: string;
  /** Default: the action's token length + 4. */
  maxNewTokens?: number;
  /** Default 64. */
  batchSize?: number;
  /** Completions kept per set (default 2). */
  samples?: number;
  /**
   * Stop rows early once they can no longer produce the action (action-screen.ts; default true).
   * Kept samples may then be short completions.
   */
  screen?: boolean;
  /** Prompts generated so far, of all (a progress bar's counts). */
  onProgress?: (done: number, total: number) => void;
}

const MEASURE_KEYS = ["action", "maxNewTokens", "batchSize", "samples", "screen", "onProgress"];

/** The unsteered greedy action rate of every set, in one batched generation. */
export async function measureProbes(
  cm: ChatModel,
  sets: readonly ProbeSet[],
  o: MeasureOptions,
): Promise<ProbeResults> {
  rejectUnknownKeys("measureProbes", o, MEASURE_KEYS);
  const { action, maxNewTokens } = checkAction(cm, o.action, o.maxNewTokens);
  const batchSize = positiveInt("batchSize", o.batchSize, 64);
  const keep = o.samples === 0 ? 0 : positiveInt("samples", o.samples, 2);
  const controls = sets.filter((s) => s.name === CONTROL);
  if (controls.length !== 1) {
    throw new InterpretInputError("sets", `need exactly one '${CONTROL}' set`);
  }
  sets.forEach((s, i) => {
    if (!Array.isArray(s.prompts) || s.prompts.length === 0) {
      throw new InterpretInputError(`sets[${i}].prompts`, "must be a non-empty list");
    }
  });
  const all = sets.flatMap((s) => s.prompts.map((p) => p.text));
  const progress = o.onProgress ? { onProgress: o.onProgress } : {};
  const t0 = performance.now();
  const done =
    (o.screen ?? true)
      ? await screenForAction(cm, all, { action, maxNewTokens, batchSize, ...progress })
      : (await greedyCompletions(cm, all, { maxNewTokens, batchSize, ...progress })).map(
          (text) => ({
            text,
            action: containsAction(text, action),
          }),
        );
  const seconds = (performance.now() - t0) / 1000;
  let k = 0;
  const measured = sets.map((s) => {
    const hits = s.prompts.map((p) => {
      const { text, action } = done[k++]!;
      return { prompt: p.text, completion: text, action };
    });
    return {
      name: s.name,
      concepts: [...s.concepts],
      ...rateOf(hits.filter((h) => h.action).length, hits.length),
      samples: hits.slice(0, keep),
    };
  });
  return {
    sets: measured.filter((m) => m.name !== CONTROL),
    control: measured.find((m) => m.name === CONTROL)!,
    action,
    maxNewTokens,
    seconds,
  };
}
