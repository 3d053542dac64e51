/**
 * The verdict (docs/methods.md "Reading and testing the result", step 4): the smallest set of
 * candidate concepts whose probes raise the action rate above threshold. The rule, exactly:
 *
 * 1. A probe set *fires* when its action rate ≥ `minRate` (default 0.5) AND the lower bound of its
 *    Wilson 95% interval is strictly above the upper bound of the control's.
 * 2. Singles first. If exactly one single fires: mode "single", that concept. If several fire:
 *    mode "any" (the trigger is any of them), all the firing singles, ordered by rate, then by
 *    lower bound (both descending), then by name.
 * 3. A pair is a *clear* conjunction when it fires, each member was measured alone, and it
 *    clearly beats each member: the lower bound of Newcombe's 99% interval for the difference of
 *    the rates is above zero (pair-rule.ts). A half that fires partly alone (B AND C where B
 *    alone gives 40–60%) is still half of a conjunction. Clear conjunctions come before firing
 *    singles: when one exists the verdict is mode "all".
 * 4. Else, with firing singles, rule 2's verdict. Else a pair also counts when it fires and each
 *    member was measured alone and did not fire.
 * 5. Among counting pairs the verdict ("A AND B") is the one with more `preferred` members
 *    (lexicon concepts, whose labels were validated by AUROC, and concepts named by latent
 *    explanations, over bags of top words), then by the same order (rate, lower bound, name of
 *    the set); other counting pairs are listed as `alternatives`.
 * 6. Otherwise mode "none" (no candidate set explains the action).
 * A firing pair that does not clearly beat a firing member is never the verdict.
 */
import type { Rate } from "../stats/rate.js";
import { InterpretInputError, inRange, rejectUnknownKeys } from "./errors.js";
import { clearlyBeats } from "./pair-rule.js";

export interface MeasuredSet extends Rate {
  /** Candidate names in the set (one or two). */
  concepts: string[];
}

export interface VerdictInput {
  sets: readonly MeasuredSet[];
  control: Rate;
}

export interface VerdictOptions {
  /** Default 0.5. */
  minRate?: number;
  /** Candidate names to prefer among firing conjunctions (the lexicon concepts). */
  preferred?: readonly string[];
}

export interface Evidence {
  set: string[];
  n: number;
  actions: number;
  rate: number;
  ci: [number, number];
  fires: boolean;
}

export type VerdictMode = "single" | "all" | "any" | "none";

export interface Verdict {
  concepts: string[];
  mode: VerdictMode;
  /** Every measured set, in the order given, the verdict's own sets first. */
  evidence: Evidence[];
  control: Rate;
  threshold: { minRate: number; controlUpper: number };
  /** Other conjunctions that also fired (mode "all" only). */
  alternatives: string[][];
  statement: string;
}

function checkRate(option: string, r: Rate): void {
  const ok =
    r !== null &&
    typeof r === "object" &&
    Number.isInteger(r.n) &&
    r.n > 0 &&
    Number.isInteger(r.actions) &&
    r.actions >= 0 &&
    r.actions <= r.n &&
    Math.abs(r.rate - r.actions / r.n) < 1e-9 &&
    Array.isArray(r.ci) &&
    r.ci.length === 2 &&
    r.ci[0] <= r.rate + 1e-12 &&
    r.rate <= r.ci[1] + 1e-12;
  if (!ok) {
    throw new InterpretInputError(
      option,
      "must be a rate {n > 0, actions ≤ n, rate = actions/n, ci [lo ≤ rate ≤ hi]}",
    );
  }
}

const pct = (x: number) => Math.round(100 * x);

/** "21/24 probes (88% [69, 96])" */
export function describeRate(r: Rate, noun = "probes"): string {
  return `${r.actions}/${r.n} ${noun} (${pct(r.rate)}% [${pct(r.ci[0])}, ${pct(r.ci[1])}])`;
}

const setName = (s: readonly string[]) => s.join(" + ");

function byStrength(a: Evidence, b: Evidence): number {
  const an = setName(a.set);
  const bn = setName(b.set);
  return b.rate - a.rate || b.ci[0] - a.ci[0] || (an < bn ? -1 : an > bn ? 1 : 0);
}

/** The verdict's sets by rules 2–6: the mode, the chosen evidence and other counting pairs. */
function choose(
  evidence: Evidence[],
  preferred: ReadonlySet<string>,
): { mode: VerdictMode; chosen: Evidence[]; alternatives: string[][] } {
  const nPreferred = (e: Evidence) => e.set.filter((c) => preferred.has(c)).length;
  const singles = new Map(evidence.filter((e) => e.set.length === 1).map((e) => [e.set[0]!, e]));
  const firingSingles = [...singles.values()].filter((e) => e.fires).sort(byStrength);
  let mode: VerdictMode;
  let chosen: Evidence[];
  let alternatives: string[][] = [];
  const firingPairs = evidence.filter((e) => e.set.length === 2 && e.fires);
  const measured = (e: Evidence) => e.set.every((c) => singles.has(c));
  const clear = firingPairs.filter(
    (e) => measured(e) && e.set.every((c) => clearlyBeats(e, singles.get(c)!)),
  );
  const neitherAlone = firingPairs.filter(
    (e) => measured(e) && e.set.every((c) => !singles.get(c)!.fires),
  );
  const conj = (firingSingles.length > 0 ? clear : [...new Set([...clear, ...neitherAlone])]).sort(
    (a, b) => nPreferred(b) - nPreferred(a) || byStrength(a, b),
  );
  if (conj.length === 0 && firingSingles.length > 0) {
    mode = firingSingles.length === 1 ? "single" : "any";
    chosen = firingSingles;
  } else {
    if (conj.length > 0) {
      mode = "all";
      chosen = [conj[0]!];
      alternatives = conj.slice(1).map((e) => [...e.set]);
    } else {
      mode = "none";
      chosen = [];
    }
  }
  return { mode, chosen, alternatives };
}

export function verdict(input: VerdictInput, o: VerdictOptions = {}): Verdict {
  rejectUnknownKeys("verdict", o, ["minRate", "preferred"]);
  const preferred = new Set(o.preferred ?? []);
  const minRate = inRange("minRate", o.minRate, 0, 1, 0.5);
  checkRate("control", input?.control);
  if (!Array.isArray(input.sets) || input.sets.length === 0) {
    throw new InterpretInputError("sets", "must be a non-empty list of measured sets");
  }
  const seen = new Set<string>();
  input.sets.forEach((s, i) => {
    checkRate(`sets[${i}]`, s);
    const c = s.concepts;
    if (!Array.isArray(c) || c.length < 1 || c.length > 2 || new Set(c).size !== c.length) {
      throw new InterpretInputError(`sets[${i}].concepts`, "must be one or two distinct names");
    }
    const key = [...c].sort().join("\u0000");
    if (seen.has(key)) {
      throw new InterpretInputError(`sets[${i}].concepts`, `${setName(c)} is measured twice`);
    }
    seen.add(key);
  });
  const controlUpper = input.control.ci[1];
  const evidence: Evidence[] = input.sets.map((s) => ({
    set: [...s.concepts],
    n: s.n,
    actions: s.actions,
    rate: s.rate,
    ci: [s.ci[0], s.ci[1]],
    fires: s.rate >= minRate && s.ci[0] > controlUpper,
  }));
  const { mode, chosen, alternatives } = choose(evidence, preferred);
  const concepts = mode === "all" ? [...chosen[0]!.set] : chosen.map((e) => e.set[0]!);
  const vsControl = `vs control ${describeRate(input.control, "prompts")}`;
  let statement: string;
  if (mode === "single" || mode === "all") {
    statement = `${concepts.join(" AND ")}: ${describeRate(chosen[0]!)} ${vsControl}`;
  } else if (mode === "any") {
    const parts = chosen.map((e) => `${e.set[0]} ${describeRate(e)}`).join(", ");
    statement = `${concepts.join(" OR ")}: ${parts} ${vsControl}`;
  } else {
    const best = [...evidence].sort(byStrength)[0]!;
    statement =
      `no candidate set fires (rate ≥ ${pct(minRate)}% with its lower bound above the ` +
      `control's upper bound ${pct(controlUpper)}%): best ${setName(best.set)} ` +
      `${describeRate(best)} ${vsControl}`;
  }
  const ordered = [...chosen, ...evidence.filter((e) => !chosen.includes(e))];
  return {
    concepts,
    mode,
    evidence: ordered,
    control: input.control,
    threshold: { minRate, controlUpper },
    alternatives,
    statement,
  };
}
