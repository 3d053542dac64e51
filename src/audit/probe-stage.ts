/**
 * The probes of an audit: every candidate set measured on the unsteered model (a resumable stage,
 * keyed by the candidates and the probe context), the verdict recomputed from the stored
 * measurements (its rule may change, they do not), the second round (interpret/second-round.ts)
 * when the verdict found only a partial half, and the member sweep when still no set fires.
 */
import type { Candidate } from "../interpret/candidates.js";
import { testHypotheses, verdict, type Verdict } from "../interpret/index.js";
import type { ProbeMeasurement, ProbeResults } from "../interpret/probes.js";
import { secondRound, secondRoundHalf } from "../interpret/second-round.js";
import { probeKey } from "./candidate-stage.js";
import { memberSweepStage, probeContextKey, probeTemplates } from "./probe-context.js";
import type { ReportMemberSweep, ReportSecondRound } from "./report.js";
import { DEFAULT_PROBES, recordGeneration, secondsSince, type AuditContext } from "./stage.js";

export interface ProbeOutcome {
  /** The measurements and their verdict; null with no candidate. */
  judged: { probes: ProbeResults; verdict: Verdict } | null;
  templates: string[] | undefined;
  sweep: ReportMemberSweep | null;
  second: ReportSecondRound | null;
}

/** The second round's stage (stored: the screen and the confirmed measurements), when called for. */
async function secondStage(
  a: AuditContext,
  judged: NonNullable<ProbeOutcome["judged"]>,
  candidates: Candidate[],
  key: string,
  templates: string[] | undefined,
) {
  const strongest = candidates.find((c) => c.concept !== undefined)?.name ?? null;
  const name = secondRoundHalf(judged.verdict, undefined, strongest);
  const half = candidates.find((c) => c.name === name);
  const lexicon = a.inputs.lexicon;
  if (!half || !lexicon || lexicon.concepts.length === 0) return null;
  // Keyed by the half too: the rule that picks it may change, the stored measurements stay.
  const stored = await a.state.stage(`second:${key}:${half.name}`, async () => {
    a.log(`second round: pairing ${half.name} with every lexicon concept…`);
    const bar = a.o.progress?.("second round");
    const r = await secondRound(a.cm, judged, candidates, half, {
      action: a.inputs.response,
      control: a.inputs.heldOutPrompts,
      lexicon,
      seed: a.inputs.seed,
      ...(templates ? { templates } : {}),
      ...(a.o.probeTokens !== undefined ? { maxNewTokens: a.o.probeTokens } : {}),
      ...(bar ? { onProgress: (d: number, t: number) => bar.update(d, t) } : {}),
    });
    bar?.finish();
    return { half: r.half, screened: r.screened, confirmed: r.confirmed };
  });
  return stored;
}

/** The candidates' probe measurements, stored under `key`. */
function measureStage(
  a: AuditContext,
  candidates: Candidate[],
  key: string,
  templates: string[] | undefined,
) {
  const { inputs, o } = a;
  return a.state.stage(key, async () => {
    a.log(`probing ${candidates.map((c) => c.name).join(", ")}…`);
    const bar = a.o.progress?.("probes");
    const r = await testHypotheses(a.cm, candidates, {
      ...(bar ? { onProgress: (done: number, total: number) => bar.update(done, total) } : {}),
      action: inputs.response,
      n: o.probes ?? DEFAULT_PROBES,
      seed: inputs.seed,
      control: { prompts: inputs.heldOutPrompts },
      ...(templates ? { templates } : {}),
      ...(o.probeTokens !== undefined ? { maxNewTokens: o.probeTokens } : {}),
    });
    bar?.finish();
    return { probes: r.probes };
  });
}

/** The verdict from stored measurements: lexicon and explanation concepts preferred. */
function judge(probes: ProbeResults, candidates: Candidate[], extra: ProbeMeasurement[] = []) {
  const preferred = [
    ...candidates
      .filter((c) => c.concept !== undefined || c.synsets !== undefined)
      .map((c) => c.name),
    ...extra.filter((s) => s.concepts.length === 1).map((s) => s.concepts[0]!),
  ];
  const all = { ...probes, sets: [...probes.sets, ...extra] };
  return { probes: all, verdict: verdict(all, { preferred }) };
}

/** Probes, verdict and (when no set fires) the member sweep, with their timings. */
export async function probeStage(a: AuditContext, candidates: Candidate[]): Promise<ProbeOutcome> {
  const { inputs, o } = a;
  const tp = performance.now();
  const templates = probeTemplates(o, inputs);
  const key = `probes:${probeKey(candidates)}${probeContextKey(templates, o.probeTokens)}`;
  const hyp = candidates.length === 0 ? null : await measureStage(a, candidates, key, templates);
  const first = hyp ? judge(hyp.probes, candidates) : null;
  a.timings.probes = secondsSince(tp);
  if (hyp) recordGeneration(a, "probes");
  const ts = performance.now();
  const second = first ? await secondStage(a, first, candidates, key, templates) : null;
  const judged = second ? judge(hyp!.probes, candidates, second.confirmed) : first;
  if (second) {
    a.timings["second round"] = secondsSince(ts);
    recordGeneration(a, "second round");
  }
  const count = o.memberSweep ?? 2;
  const tm = performance.now();
  const sweep =
    judged && judged.verdict.mode === "none" && count > 0
      ? await a.state.stage(`members:${count}:${key}`, () =>
          memberSweepStage(a.cm, candidates, inputs, {
            count,
            templates,
            probeTokens: o.probeTokens,
          }),
        )
      : null;
  if (sweep) {
    a.timings["member sweep"] = secondsSince(tm);
    recordGeneration(a, "member sweep");
  }
  return {
    judged,
    templates,
    sweep,
    second: second && {
      half: second.half,
      screened: second.screened.slice(0, 8),
      confirmed: second.confirmed.map((m) => m.concepts),
      verdictBefore: first!.verdict.statement,
    },
  };
}
