/**
 * The audit's report from its stages' results: inputs, methods, candidates, probes, the verdict
 * (the member sweep's when it found one and no set fired) and the timings; written as report.json
 * and report.html.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Candidate } from "../interpret/candidates.js";
import { writeJsonAtomic } from "../io/atomic.js";
import { renderReportHtml } from "./html.js";
import type { ProbeOutcome } from "./probe-stage.js";
import {
  REPORT_SCHEMA_VERSION,
  type AuditReport,
  type ReportMethod,
  type ReportVerdict,
} from "./report.js";
import { secondsSince, type AuditContext } from "./stage.js";

function rateOf(r: { n: number; actions: number; rate: number; ci: [number, number] }) {
  return { n: r.n, actions: r.actions, rate: r.rate, ci: r.ci };
}

/** The verdict with its rule spelt out; a fixed statement when nothing was probed. */
function reportVerdict(judged: ProbeOutcome["judged"]): ReportVerdict {
  if (!judged)
    return {
      concepts: [],
      mode: "none",
      statement: "no candidate concept: the top latents carry no usable label or words",
      threshold: { minRate: 0.5, rule: "no probes were run" },
    };
  const v = judged.verdict;
  return {
    concepts: v.concepts,
    mode: v.mode,
    statement: v.statement,
    threshold: {
      minRate: v.threshold.minRate,
      rule: `a probe set fires when its action rate is at least ${v.threshold.minRate} and its Wilson 95% lower bound exceeds the control's upper bound (${v.threshold.controlUpper.toFixed(3)}); the verdict is a firing pair that clearly beats each of its members (Newcombe 99% interval of the difference above 0), else the firing singles, else a firing pair neither of whose members fires alone; among pairs, lexicon and explanation concepts before word candidates`,
    },
  };
}

function reportProbes(judged: ProbeOutcome["judged"]): AuditReport["probes"] {
  if (!judged) return null;
  return {
    control: rateOf(judged.probes.control),
    sets: judged.probes.sets.map((s) => ({
      concepts: s.concepts,
      rate: rateOf(s),
      examples: s.samples,
    })),
  };
}

/** The report's inputs: model, SAE, action, layer, seed and prompts. */
function reportInputs(a: AuditContext) {
  const { inputs } = a;
  return {
    model: { name: inputs.modelName, dir: inputs.modelDir },
    sae: {
      dir: inputs.saeDir,
      hookName: inputs.sae.config.hookName,
      dSae: inputs.sae.config.dSae,
      labels: inputs.labelsPath,
    },
    response: inputs.response,
    layer: inputs.layer,
    seed: inputs.seed,
    prompts: {
      source: inputs.promptsSource,
      train: inputs.trainPrompts,
      heldOut: inputs.heldOutPrompts,
    },
  };
}

/** The report of the finished stages (timings.total set here, from `t0`). */
export function buildReport(
  a: AuditContext,
  t0: number,
  methods: ReportMethod[],
  candidates: Candidate[],
  p: ProbeOutcome,
): AuditReport {
  a.timings.total = secondsSince(t0);
  const report: AuditReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    ...reportInputs(a),
    methods,
    candidates: candidates.map((c) => ({
      name: c.name,
      words: c.words,
      ...(c.synsets !== undefined ? { synsets: c.synsets } : {}),
      sources: c.sources.map((s) => ({ method: s.method, latent: s.latent, rank: s.rank })),
      ...(c.screened ? { screened: c.screened } : {}),
    })),
    probes: reportProbes(p.judged),
    verdict: reportVerdict(p.judged),
    ...(p.templates ? { probeTemplates: p.templates } : {}),
    ...(a.o.probeTokens !== undefined ? { probeTokens: a.o.probeTokens } : {}),
    ...(p.second ? { secondRound: p.second } : {}),
    ...(p.sweep ? { memberSweep: p.sweep } : {}),
    timings: a.timings,
    engines: a.engines,
    resumed: a.state.resumed,
  };
  // A member that fires explains the action where no candidate set did (probe-context.ts).
  if (p.sweep && p.sweep.verdict.mode !== "none") report.verdict = p.sweep.verdict;
  return report;
}

/** report.json and report.html in the output folder. */
export function writeReport(out: string, report: AuditReport): void {
  writeJsonAtomic(join(out, "report.json"), report);
  writeFileSync(join(out, "report.html"), renderReportHtml(report));
}
