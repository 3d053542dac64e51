/**
 * Shared pieces of the `awareness` commands: a resumable job with a progress bar, number
 * formatting for tables, and NAME=TEXT option parsing. No harness logic lives here.
 */
import type { Metric } from "../awareness/agreement.js";
import type { CommandContext } from "./command.js";
import { UsageError } from "./options.js";

/** What a long awareness job gets from its command: the stop signal, progress, warnings. */
export interface JobHooks {
  signal: AbortSignal;
  onProgress: (p: { done: number; total: number; failed: number }) => void;
  onWarning: (w: string) => void;
}

/**
 * Runs a resumable job with a progress bar; SIGINT/SIGTERM abort it through the command's signal
 * (what finished is kept, and the same command resumes).
 */
export async function runJob<T>(
  label: string,
  ctx: CommandContext,
  job: (hooks: JobHooks) => Promise<T>,
): Promise<T> {
  const bar = ctx.progress(label);
  const result = await job({
    signal: ctx.signal,
    onProgress: (p) => bar.update(p.done, p.total, p.failed ? `${p.failed} failed` : ""),
    onWarning: (w) => ctx.io.stderr(`warning: ${w}`),
  });
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
