/**
 * The second round: when the verdict found one half of what looks like a conjunction and no
 * method ranked the other half, pair the found half with every lexicon concept, within a bounded
 * budget. The rule, exactly:
 *
 * - When: the verdict is one single whose Wilson 95% upper bound is below `partialBelow`
 *   (default 0.9: it fires, but only partly, alone), or nothing fires and the strongest single's
 *   lower bound is above the control's upper bound (above the control, but not firing). That
 *   single is the found half. When nothing fires and no single is above the control, the half is
 *   the strongest concept the methods found (the first lexicon-concept candidate, by the
 *   candidates' rule), if any: a well-built conjunction's half does not fire alone at all, so
 *   "above the control" never picks it (game seed 1, development data: g1-01's emotions fired
 *   1 of 24 alone and the audit never looked for its partner).
 *   Also when the verdict is a conjunction whose pair's upper bound is below `partialBelow`: it
 *   fires only partly, so one member may be the wrong partner of the other. The found half is
 *   the member with the highest rate in any other set that holds it (alone or paired with
 *   another candidate): a conjunction's half lifts other pairs too, a wrong partner does not
 *   (game seed 2's g2-05 and g2-09, development data since:
 *   foods AND colors 15/24 and prophecy AND snow-sports 12/24, where the hidden partners,
 *   chemical-elements and emotions, were never candidates).
 * - Screen: the half paired with each lexicon concept not yet a candidate (the half's own concept
 *   excluded), `screenN` probes each (default 8), partners in the lexicon's order, at most
 *   `maxPartners` (default 64).
 * - Confirm: the `confirmTop` (default 2) strongest screened pairs whose Wilson 95% lower bound
 *   is above the control's upper bound are measured again on fresh probes (a new seed),
 *   `confirmN` each (default 24), with the partner alone. The screen only chooses; only confirmed
 *   measurements enter the verdict, so choosing the best of many screened pairs does not bias it.
 *   (Until 2026-12-07 a screened pair needed a rate ≥ 0.5; game seed 1's g1-05, development
 *   data, is a one-concept trigger, weapons, that no method ranked: paired with the found
 *   aircraft it screened 3/8, above the control but under 0.5, so weapons alone was never probed.)
 * - The verdict is verdict.ts's over the first round's sets and the confirmed ones.
 * Nothing here knows the trigger: partners are every lexicon concept.
 */
import type { LexiconFile } from "../lexicon/lexicon-file.js";
import type { ChatModel } from "../model/text-generation.js";
import type { Phrasing } from "./compose-prompt.js";
import { conceptCandidates, type Candidate } from "./candidates.js";
import {
  candidateSet,
  CONTROL,
  measureProbes,
  type ProbeMeasurement,
  type ProbeResults,
} from "./probes.js";
import { wilson } from "../stats/intervals.js";
import { verdict, type Verdict, type VerdictOptions } from "./verdict.js";

export interface SecondRoundOptions {
  action: string;
  control: string[];
  lexicon: LexiconFile;
  seed: number;
  screenN?: number;
  confirmN?: number;
  confirmTop?: number;
  maxPartners?: number;
  partialBelow?: number;
  phrasing?: Phrasing;
  templates?: string[];
  maxNewTokens?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SecondRound {
  half: string;
  /** Every screened pair's rate (partner name → rate), strongest first. */
  screened: { partner: string; actions: number; n: number }[];
  /** The confirmed measurements (pairs and partners alone). */
  confirmed: ProbeMeasurement[];
  verdict: Verdict;
}

/**
 * The found half that calls for a second round, or null (the rule's "When"); `strongest` is the
 * methods' strongest concept, the half when nothing fires and no single is above the control.
 */
export function secondRoundHalf(
  v: Verdict,
  partialBelow = 0.9,
  strongest: string | null = null,
): string | null {
  const singles = v.evidence.filter((e) => e.set.length === 1);
  if (v.mode === "single") return v.evidence[0]!.ci[1] < partialBelow ? v.concepts[0]! : null;
  if (v.mode === "all") return v.evidence[0]!.ci[1] < partialBelow ? strongerHalf(v) : null;
  if (v.mode !== "none") return null;
  const above = singles
    .filter((e) => e.ci[0] > v.threshold.controlUpper)
    .sort((a, b) => b.rate - a.rate || b.ci[0] - a.ci[0]);
  return above[0]?.set[0] ?? strongest;
}

/**
 * Of a conjunction verdict's members, the one that raises the rate more elsewhere: its highest
 * rate over every other measured set holding it (alone, or with another candidate); ties: the
 * first.
 */
function strongerHalf(v: Verdict): string {
  // evidence[0] is the verdict's own pair; the rest are the other measured sets.
  const others = v.evidence.slice(1);
  const best = (name: string) =>
    Math.max(0, ...others.filter((e) => e.set.includes(name)).map((e) => e.rate));
  const [a, b] = v.concepts as [string, string];
  return best(b) > best(a) ? b : a;
}

function controlSet(prompts: string[]) {
  return { name: CONTROL, concepts: [], prompts: prompts.map((text) => ({ text, words: [] })) };
}

/** Screens the half with every other lexicon concept, confirms the best, and judges again. */
export async function secondRound(
  cm: ChatModel,
  first: { probes: ProbeResults; verdict: Verdict },
  candidates: readonly Candidate[],
  half: Candidate,
  o: SecondRoundOptions,
  vo: VerdictOptions = {},
): Promise<SecondRound> {
  const phrasing = o.phrasing ?? "all";
  const taken = new Set([...candidates.map((c) => c.concept ?? c.name), half.concept ?? half.name]);
  const partners = conceptCandidates(
    o.lexicon,
    o.lexicon.concepts.map((c) => c.name).filter((n) => !taken.has(n)),
  ).slice(0, o.maxPartners ?? 64);
  const common = { phrasing, ...(o.templates ? { templates: o.templates } : {}) };
  const measure = {
    action: o.action,
    samples: 1,
    ...(o.maxNewTokens ? { maxNewTokens: o.maxNewTokens } : {}),
  };
  const screenSets = partners.map((p) =>
    candidateSet([half, p], { n: o.screenN ?? 8, seed: o.seed, ...common }),
  );
  const screen = await measureProbes(cm, [...screenSets, controlSet(o.control)], {
    ...measure,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const screened = screen.sets
    .map((s, i) => ({ partner: partners[i]!.name, actions: s.actions, n: s.n }))
    .sort((a, b) => b.actions / b.n - a.actions / a.n || (a.partner < b.partner ? -1 : 1));
  const controlUpper = first.probes.control.ci[1];
  const best = screened
    .filter((s) => (wilson(s.actions, s.n)?.lo ?? 0) > controlUpper)
    .slice(0, o.confirmTop ?? 2);
  const fresh = { n: o.confirmN ?? 24, seed: o.seed + 1, ...common };
  const confirmSets = best.flatMap((b) => {
    const p = partners.find((x) => x.name === b.partner)!;
    return [candidateSet([half, p], fresh), candidateSet([p], fresh)];
  });
  const confirmed =
    confirmSets.length === 0
      ? []
      : (await measureProbes(cm, [...confirmSets, controlSet(o.control)], measure)).sets;
  const sets = [...first.probes.sets, ...confirmed];
  return {
    half: half.name,
    screened,
    confirmed,
    verdict: verdict({ sets, control: first.probes.control }, vo),
  };
}
