/**
 * Runs one judge over a run directory's finished samples and files the verdicts under
 * judgments/ID@VERSION.jsonl (plus "~MODEL" for LLM judges), one line per (sample, target).
 * Articulation is judged separately for every trigger and distractor inserted in the prompt (the
 * distractor test needs both); misalignment and the monitor once per sample. Like the runner it
 * resumes: verdicts already filed are skipped, and failures go to an errors file for the next try.
 * An LLM judge's calls can run elsewhere (`dispatch`, judge-dispatch.ts; e.g. on a queue).
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "./cache.js";
import { writeInspectLog } from "./inspect-log.js";
import { appendJsonl, readLog } from "./jsonl.js";
import { judgeLabel, type Judge, type Verdict } from "./judge.js";
import type { JudgeDispatch, JudgeFiling, JudgeTask } from "./judge-dispatch.js";
import { lockRun, readManifest, readVariants, runPaths } from "./run-dir.js";
import type { JudgmentRecord } from "./records.js";
import type { SampleRecord } from "./sample-job.js";
import type { Variant } from "./variants.js";

export function judgmentsFile(
  runDir: string,
  judge: Pick<Judge, "id" | "version" | "model">,
): string {
  const stem = judgeLabel(judge) + (judge.model ? `~${sha256(judge.model).slice(0, 8)}` : "");
  return join(runPaths(runDir).judgments, `${stem}.jsonl`);
}

export function readSamples(
  runDir: string,
  onWarning: (m: string) => void = () => {},
): SampleRecord[] {
  return readLog(runPaths(runDir).samples, onWarning).map((l) => l.value as SampleRecord);
}

export interface JudgeRunSummary {
  judge: string;
  file: string;
  total: number;
  alreadyDone: number;
  judged: number;
  failed: number;
  interrupted: boolean;
}

interface Task {
  sample: SampleRecord;
  variant: Variant;
  target: string | null;
  role: "trigger" | "distractor" | null;
}

export async function judgeRun(opts: {
  runDir: string;
  judge: Judge;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; failed: number }) => void;
  onWarning?: (m: string) => void;
  /** Runs an LLM judge's calls elsewhere (judge-dispatch.ts); a judge without a model runs here. */
  dispatch?: JudgeDispatch;
}): Promise<JudgeRunSummary> {
  readManifest(opts.runDir);
  const unlock = lockRun(opts.runDir);
  try {
    return await judgeLocked(opts);
  } finally {
    unlock();
  }
}

/** Every (sample, target) the judge rates: one per inserted non-lookalike trigger, or one. */
function judgeTasks(
  runDir: string,
  judge: Judge,
  variants: ReadonlyMap<string, Variant>,
  samples: readonly SampleRecord[],
): Task[] {
  const all: Task[] = [];
  for (const sample of samples) {
    const variant = variants.get(sample.variantId);
    if (!variant)
      throw new Error(
        `${runPaths(runDir).samples}: sample '${sample.key}' names unknown variant '${sample.variantId}'`,
      );
    if (judge.kind === "articulation") {
      for (const t of variant.inserted)
        if (t.role !== "lookalike") all.push({ sample, variant, target: t.text, role: t.role });
    } else all.push({ sample, variant, target: null, role: null });
  }
  return all;
}

type JudgeOpts = Parameters<typeof judgeRun>[0];

/** What the judge reads for one task. */
function judgeTaskOf(t: Task): JudgeTask {
  return {
    sampleKey: t.sample.key,
    target: t.target,
    targetRole: t.role,
    input: {
      prompt: t.variant.messages.filter((m) => m.role === "user").at(-1)?.content ?? "",
      reasoning: t.sample.transcript.reasoning,
      answer: t.sample.transcript.answer,
      reasoningCutOff: t.sample.transcript.reasoningCutOff,
      trigger: t.target,
    },
  };
}

/**
 * Files verdicts in `file`, each (sample, target) once (a task delivered twice, e.g. by a queue,
 * is not written again), and failures beside it in FILE.errors.jsonl.
 */
function judgmentFiling(
  file: string,
  judge: Judge,
  summary: JudgeRunSummary,
  done: Set<string>,
  progress: () => void,
): JudgeFiling {
  return {
    verdict(t, verdict) {
      const id = taskId(t);
      if (done.has(id)) return;
      done.add(id);
      const rec: JudgmentRecord = {
        sampleKey: t.sampleKey,
        target: t.target,
        targetRole: t.targetRole,
        judge: { id: judge.id, version: judge.version, model: judge.model },
        verdict,
        at: new Date().toISOString(),
      };
      appendJsonl(file, [rec]);
      summary.judged++;
      progress();
    },
    failed(t, error) {
      summary.failed++;
      appendJsonl(file.replace(/\.jsonl$/, ".errors.jsonl"), [
        { sampleKey: t.sampleKey, target: t.target, error, at: new Date().toISOString() },
      ]);
      progress();
    },
  };
}

/**
 * Judges one task and files the verdict (or the error, counted as failed). Returns false when
 * the run was aborted during the call, so the worker stops without filing anything.
 */
async function judgeTask(t: JudgeTask, opts: JudgeOpts, file: JudgeFiling): Promise<boolean> {
  let verdict: Verdict;
  try {
    verdict = await opts.judge.judge(t.input, opts.signal ? { signal: opts.signal } : {});
  } catch (err) {
    if (opts.signal?.aborted) return false;
    file.failed(t, (err as Error).message);
    return true;
  }
  file.verdict(t, verdict);
  return true;
}

async function judgeLocked(opts: JudgeOpts): Promise<JudgeRunSummary> {
  const { runDir, judge } = opts;
  const variants = new Map(readVariants(runDir).map((v) => [v.id, v]));
  const samples = readSamples(runDir, opts.onWarning);
  const file = judgmentsFile(runDir, judge);
  mkdirSync(runPaths(runDir).judgments, { recursive: true });
  const done = new Set(
    readLog(file, opts.onWarning).map(({ value }) => taskId(value as JudgmentRecord)),
  );
  const all = judgeTasks(runDir, judge, variants, samples);
  const tasks = all.map((t) => judgeTaskOf(t)).filter((t) => !done.has(taskId(t)));
  const summary: JudgeRunSummary = {
    judge: judgeLabel(judge),
    file,
    total: all.length,
    alreadyDone: all.length - tasks.length,
    judged: 0,
    failed: 0,
    interrupted: false,
  };
  const progress = () =>
    opts.onProgress?.({
      done: summary.alreadyDone + summary.judged,
      total: all.length,
      failed: summary.failed,
    });
  progress();
  const filing = judgmentFiling(file, judge, summary, done, progress);
  if (opts.dispatch && judge.model !== null) {
    const { runId } = readManifest(runDir);
    await opts.dispatch.run(tasks, { runId, judge }, filing, opts.signal);
  } else {
    let next = 0;
    const worker = async () => {
      while (next < tasks.length && !opts.signal?.aborted)
        if (!(await judgeTask(tasks[next++]!, opts, filing))) break;
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  }
  summary.interrupted = opts.signal?.aborted ?? false;
  return summary;
}

/** One verdict's identity: the sample and the target judged in it. */
const taskId = (r: Pick<JudgmentRecord, "sampleKey" | "target">) =>
  `${r.sampleKey}|${r.target ?? ""}`;

/** Every filed verdict, taking for each judge id only its newest verdict file. */
export function collectJudgments(
  runDir: string,
  onWarning: (m: string) => void = () => {},
): JudgmentRecord[] {
  const dir = runPaths(runDir).judgments;
  if (!existsSync(dir)) return [];
  const newest = new Map<string, { file: string; mtime: number; records: JudgmentRecord[] }>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".jsonl") || f.endsWith(".errors.jsonl")) continue;
    const file = join(dir, f);
    const records = readLog(file, onWarning).map((l) => l.value as JudgmentRecord);
    if (records.length === 0) continue;
    const id = records[0]!.judge.id;
    const mtime = statSync(file).mtimeMs;
    const prev = newest.get(id);
    if (!prev || mtime > prev.mtime) newest.set(id, { file, mtime, records });
  }
  return [...newest.values()].flatMap((x) => x.records);
}

/** Writes (or rewrites) a run's Inspect eval log from everything on disk: variants, samples, verdicts. */
export function writeRunInspectLog(runDir: string): string {
  return writeInspectLog(
    runDir,
    readManifest(runDir),
    new Map(readVariants(runDir).map((v) => [v.id, v])),
    readSamples(runDir),
    collectJudgments(runDir),
  );
}
