/**
 * Shared pieces of the `awareness` commands: the progress bar on stderr, number formatting for
 * tables, and NAME=TEXT option parsing. No harness logic lives here.
 */
import { untilInterrupted } from "./interrupt.js";
import { createProgress, type Progress } from "../progress/progress.js";
import type { Metric } from "../awareness/agreement.js";
import { UsageError } from "./args.js";
import type { CommandIO } from "./registry.js";

/** A progress bar: redraws in place on a terminal, prints every 10% otherwise. */
export function progressBar(label: string, io: CommandIO): Progress {
  const tty = process.stderr.isTTY === true;
  return createProgress({
    label,
    isTTY: tty,
    write: tty ? (t) => process.stderr.write(t) : (t) => io.stderr(t.replace(/\n$/, "")),
  });
}

/** What a long awareness job gets from its command: Ctrl-C as an abort signal, progress, warnings. */
export interface JobHooks {
  signal: AbortSignal;
  onProgress: (p: { done: number; total: number; failed: number }) => void;
  onWarning: (w: string) => void;
}

/**
 * Runs a resumable job with a progress bar; the first Ctrl-C aborts it (what finished is kept, and
 * the same command resumes).
 */
export async function runJob<T>(
  label: string,
  io: CommandIO,
  job: (hooks: JobHooks) => Promise<T>,
): Promise<T> {
  const bar = progressBar(label, io);
  const result = await untilInterrupted(
    (signal) =>
      job({
        signal,
        onProgress: (p) => bar.update(p.done, p.total, p.failed ? `${p.failed} failed` : ""),
        onWarning: (w) => io.stderr(`warning: ${w}`),
      }),
    new Error("interrupted"),
  );
  bar.finish();
  return result;
}

export const pct = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? "—" : `${(100 * x).toFixed(digits)}%`;
export const num = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined ? "—" : x.toFixed(digits);

export function metricCell(m: Metric, digits = 3): string {
  if (m.value === null) return "—";
  return m.interval
    ? `${num(m.value, digits)} [${num(m.interval.lo, 2)}, ${num(m.interval.hi, 2)}]`
    : num(m.value, digits);
}

/** Parses repeated NAME=TEXT options into a map; a malformed one is a usage error. */
export function nameValues(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`--${flag} takes NAME=TEXT, got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** Pads columns of a table of strings. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function requireFlag<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new UsageError(`--${flag} is required`);
  return value;
}
