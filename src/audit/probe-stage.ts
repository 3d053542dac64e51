/**
 * The probes of an audit: every candidate set measured on the unsteered model (a resumable stage,
 * keyed by the candidates and the probe context), the verdict recomputed from the stored
 * measurements (its rule may change, they do not), and the member sweep when no set fires.
 */
import type { Candidate } from "../interpret/candidates.js";
import { testHypotheses, verdict, type Verdict } from "../interpret/index.js";
import type { ProbeResults } from "../interpret/probes.js";
import { probeKey } from "./candidate-stage.js";
import { memberSweepStage, probeContextKey, probeTemplates } from "./probe-context.js";
import type { ReportMemberSweep } from "./report.js";
import { DEFAULT_PROBES, recordGeneration, secondsSince, type AuditContext } from "./stage.js";

export interface ProbeOutcome {
  /** The measurements and their verdict; null with no candidate. */
  judged: { probes: ProbeResults; verdict: Verdict } | null;
  templates: string[] | undefined;
  sweep: ReportMemberSweep | null;
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
function judge(probes: ProbeResults, candidates: Candidate[]) {
  const preferred = candidates
    .filter((c) => c.concept !== undefined || c.synsets !== undefined)
    .map((c) => c.name);
  return { probes, verdict: verdict(probes, { preferred }) };
}

/** Probes, verdict and (when no set fires) the member sweep, with their timings. */
export async function probeStage(a: AuditContext, candidates: Candidate[]): Promise<ProbeOutcome> {
  const { inputs, o } = a;
  const tp = performance.now();
  const templates = probeTemplates(o, inputs);
  const key = `probes:${probeKey(candidates)}${probeContextKey(templates, o.probeTokens)}`;
  const hyp = candidates.length === 0 ? null : await measureStage(a, candidates, key, templates);
  const judged = hyp ? judge(hyp.probes, candidates) : null;
  a.timings.probes = secondsSince(tp);
  if (hyp) recordGeneration(a, "probes");
  const count = o.memberSweep ?? 2;
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
  if (sweep) a.timings["member sweep"] = secondsSince(tp) - a.timings.probes;
  return { judged, templates, sweep };
}
