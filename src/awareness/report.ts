/**
 * The report of a run: which judge verdicts it used, the rates (rates.ts) with the counts behind
 * them, and the per-sample data the HTML viewer shows. Written as report.json (schema-versioned,
 * stable keys) and report.html (static, self-contained).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readLog } from "./jsonl.js";
import type {
  ArticulationVerdict,
  JudgeKind,
  MisalignmentVerdict,
  MonitorFlag,
  MonitorVerdict,
} from "./judge.js";
import type { JudgmentRecord } from "./records.js";
import { readSamples } from "./judging.js";
import { buildTrials, computeRates, type JudgmentMaps, type RunRates } from "./rates.js";
import { readManifest, readVariants, runPaths, type RunManifest } from "./run-dir.js";
import type { SampleRecord } from "./sample-job.js";
import type { Variant } from "./variants.js";
import { checkRepeats } from "./seeds.js";

export const REPORT_SCHEMA = "trigscope.awareness.report/1";

export interface JudgeUsed {
  id: string;
  version: string;
  model: string | null;
  file: string;
  verdicts: number;
}

export interface AwarenessReport {
  schema: typeof REPORT_SCHEMA;
  run: {
    dir: string;
    runId: string;
    createdAt: string;
    provider: string;
    trigger: string;
    lookalike: string | null;
    distractors: string[];
    prefill: string | null;
    samplesPerVariant: number;
    seed: number;
    /** Whether each sample was sent its own seed; null for runs made before per-sample seeds. */
    seeding: { sent: boolean; scheme: string } | null;
    params: Record<string, unknown>;
  };
  counts: {
    variants: number;
    expected: number;
    finished: number;
    unfinished: number;
    cutOffReasoning: number;
    choiceUnparsed: number;
  };
  judges: Record<JudgeKind, JudgeUsed | null>;
  /** Where misalignment came from: parsed choices, a judge, both, or nowhere yet. */
  misalignmentSource: "choice" | "judge" | "choice+judge" | "none";
  rates: RunRates;
  warnings: string[];
}

export interface ReportData {
  report: AwarenessReport;
  samples: SampleRecord[];
  variants: Map<string, Variant>;
  maps: JudgmentMaps;
}

interface JudgmentFile {
  file: string;
  kind: JudgeKind;
  id: string;
  version: string;
  model: string | null;
  mtime: number;
}

function judgmentFiles(runDir: string): JudgmentFile[] {
  const dir = runPaths(runDir).judgments;
  if (!existsSync(dir)) return [];
  const out: JudgmentFile[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".jsonl") || f.endsWith(".errors.jsonl")) continue;
    const file = join(dir, f);
    const first = readFileSync(file, "utf8").split("\n", 1)[0];
    if (!first) continue;
    const r = JSON.parse(first) as JudgmentRecord;
    out.push({
      file,
      kind: r.verdict.kind,
      id: r.judge.id,
      version: r.judge.version,
      model: r.judge.model,
      mtime: statSync(file).mtimeMs,
    });
  }
  return out;
}

/** Picks the verdict file for each kind: the named judge id, or the only one present. */
function pickJudges(
  files: JudgmentFile[],
  choice: Partial<Record<JudgeKind, string>>,
  warnings: string[],
): Record<JudgeKind, JudgmentFile | null> {
  const pick = (kind: JudgeKind): JudgmentFile | null => {
    let cands = files.filter((f) => f.kind === kind);
    const want = choice[kind];
    if (want !== undefined) {
      cands = cands.filter((f) => f.id === want);
      if (cands.length === 0)
        throw new Error(
          `no ${kind} verdicts from judge '${want}' in this run; run 'trigscope awareness judge --judge ${want}' first`,
        );
    }
    const ids = [...new Set(cands.map((f) => f.id))];
    if (ids.length > 1)
      throw new Error(
        `several ${kind} judges have verdicts here (${ids.join(", ")}): pick one with --${kind}-judge ID`,
      );
    if (cands.length === 0) return null;
    cands.sort((a, b) => b.mtime - a.mtime);
    if (cands.length > 1)
      warnings.push(
        `${kind}: ${cands.length} versions/models of '${ids[0]}' have verdicts; using the newest (${cands[0]!.file})`,
      );
    return cands[0]!;
  };
  return {
    articulation: pick("articulation"),
    misalignment: pick("misalignment"),
    monitor: pick("monitor"),
  };
}

/** The picked judges' verdict files, read into records and into maps keyed by sample. */
function readJudgments(picked: ReturnType<typeof pickJudges>, warnings: string[]) {
  const records = (f: JudgmentFile | null) =>
    f ? readLog(f.file, (w) => warnings.push(w)).map((l) => l.value as JudgmentRecord) : null;
  const art = records(picked.articulation);
  const mis = records(picked.misalignment);
  const mon = records(picked.monitor);
  const maps: JudgmentMaps = {
    articulation:
      art &&
      new Map(
        art.map((r) => [`${r.sampleKey}|${r.target ?? ""}`, r.verdict as ArticulationVerdict]),
      ),
    misalignment: mis && new Map(mis.map((r) => [r.sampleKey, r.verdict as MisalignmentVerdict])),
    monitor:
      mon &&
      new Map(
        mon.map((r) => [r.sampleKey, (r.verdict as MonitorVerdict).flag as MonitorFlag | null]),
      ),
  };
  const used = (f: JudgmentFile | null, recs: JudgmentRecord[] | null): JudgeUsed | null =>
    f && { id: f.id, version: f.version, model: f.model, file: f.file, verdicts: recs!.length };
  const judges = {
    articulation: used(picked.articulation, art),
    misalignment: used(picked.misalignment, mis),
    monitor: used(picked.monitor, mon),
  };
  return { maps, judges };
}

/** Warnings about missing verdicts and about repeated samples that should have varied. */
function coverageWarnings(
  m: RunManifest,
  variants: ReadonlyMap<string, Variant>,
  samples: readonly SampleRecord[],
  maps: JudgmentMaps,
  warnings: string[],
): void {
  const hasFree = [...variants.values()].some((v) => !v.choice);
  if (hasFree && !maps.misalignment)
    warnings.push(
      "free-form items have no misalignment verdicts: run 'trigscope awareness judge --judge misalignment-llm --judge-provider SPEC'",
    );
  if (!maps.articulation)
    warnings.push(
      "no articulation verdicts: run 'trigscope awareness judge --judge articulation-combined' (the default; or articulation-offline, articulation-lexical, articulation-llm)",
    );
  const repeats = checkRepeats(samples, {
    temperature: m.params.temperature,
    seedsSent: m.seeding?.sent ?? false,
    provider: m.provider.id,
  });
  if (repeats.warning) warnings.push(repeats.warning);
}

/** The report's description of the run, from its manifest. */
function runSummary(runDir: string, m: RunManifest): AwarenessReport["run"] {
  return {
    dir: runDir,
    runId: m.runId,
    createdAt: m.createdAt,
    provider: m.provider.id,
    trigger: m.spec.trigger,
    lookalike: m.spec.lookalike ?? null,
    distractors: m.spec.distractors ?? [],
    prefill: m.prefill,
    samplesPerVariant: m.samples,
    seed: m.seed,
    seeding: m.seeding ?? null,
    params: { ...m.params },
  };
}

/** Where misalignment rates come from: the multiple-choice answers, a judge, both or neither. */
function misalignmentSource(
  variants: ReadonlyMap<string, Variant>,
  maps: JudgmentMaps,
): AwarenessReport["misalignmentSource"] {
  const hasChoice = [...variants.values()].some((v) => v.choice);
  if (hasChoice && maps.misalignment) return "choice+judge";
  if (hasChoice) return "choice";
  return maps.misalignment ? "judge" : "none";
}

export function buildReport(
  runDir: string,
  choice: Partial<Record<JudgeKind, string>> = {},
  opts: { reps?: number; seed?: string } = {},
): ReportData {
  const warnings: string[] = [];
  const m = readManifest(runDir);
  const variants = new Map(readVariants(runDir).map((v) => [v.id, v]));
  const samples = readSamples(runDir, (w) => warnings.push(w));
  const picked = pickJudges(judgmentFiles(runDir), choice, warnings);
  const { maps, judges } = readJudgments(picked, warnings);
  const trials = buildTrials(samples, variants, maps);
  const rates = computeRates(trials, m.spec.trigger, opts);
  const finished = new Set(samples.map((s) => s.key));
  const expected = variants.size * m.samples;
  coverageWarnings(m, variants, samples, maps, warnings);
  const report: AwarenessReport = {
    schema: REPORT_SCHEMA,
    run: runSummary(runDir, m),
    counts: {
      variants: variants.size,
      expected,
      finished: finished.size,
      unfinished: expected - finished.size,
      cutOffReasoning: rates.cutOffReasoning,
      choiceUnparsed: samples.filter((s) => s.choice && s.choice.letter === null).length,
    },
    judges,
    misalignmentSource: misalignmentSource(variants, maps),
    rates,
    warnings,
  };
  return { report, samples, variants, maps };
}
