/**
 * A sweep from its file to its report: validate, expand into cells, run the unfinished ones
 * (locally, or through a queue when one is given), write each result as it arrives and, at the
 * end (also after an interruption), the report of every finished cell: report.md, report.html.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkOrganisms, describeCell, expandCells, type KeyedCell } from "./cells.js";
import { pendingCells, runLocalSweep, type SweepOutcome } from "./pool.js";
import { readSweepSpec, type SweepSpec } from "./spec.js";
import { checkCells } from "./job.js";
import { SweepStore, type CellResult } from "./store.js";
import { summarise, type SweepSummary } from "./summary.js";
import { renderSweepHtml, summaryMarkdown } from "./report-html.js";
import type { Progress } from "../progress/progress.js";

export interface SweepRunOptions {
  out: string;
  concurrency?: number;
  device?: "wasm" | "webgpu";
  /** Runs the cells through this instead of the local pool (queue.ts's producer). */
  remote?: (cells: KeyedCell[], store: SweepStore, hooks: SweepHooks) => Promise<SweepOutcome>;
  log?: (line: string) => void;
  progress?: (label: string) => Progress;
  signal?: AbortSignal;
}

export interface SweepHooks {
  onResult: (r: CellResult, done: number, total: number) => void;
  onFailure: (key: string, error: string) => void;
  signal?: AbortSignal;
}

/** One line for a finished cell: its recovery rank, steering success and verdict. */
export function resultLine(r: CellResult): string {
  const m = r.measures;
  const rank = m.trigger ? (m.rank === null ? "rank >20" : `rank ${m.rank}`) : "no trigger";
  const steer = m.steering ? `, steering ${m.steering.actions}/${m.steering.n}` : "";
  const ok = m.verdict.correct === null ? "" : m.verdict.correct ? " ✓" : " ✗";
  const verdict = m.verdict.concepts.length
    ? m.verdict.concepts.join(` ${m.verdict.mode} `)
    : "none";
  return `${describeCell(r.cell)}: ${rank}${steer}, verdict ${verdict}${ok} (${r.run.seconds.toFixed(1)} s, ${r.run.worker})`;
}

/** Writes report.md and report.html for the finished cells among `cells`. */
export function writeSweepReport(
  spec: SweepSpec,
  cells: KeyedCell[],
  store: SweepStore,
): { summary: SweepSummary; files: string[] } {
  const total = new Set(cells.map((c) => c.key)).size;
  const summary = summarise(spec.name, total, store.results(cells));
  const md = join(store.dir, "report.md");
  const html = join(store.dir, "report.html");
  writeFileSync(md, summaryMarkdown(summary) + "\n");
  writeFileSync(html, renderSweepHtml(summary));
  return { summary, files: [md, html] };
}

export async function runSweep(
  specPath: string,
  o: SweepRunOptions,
): Promise<{ outcome: SweepOutcome; summary: SweepSummary; files: string[] }> {
  const spec = readSweepSpec(specPath);
  checkOrganisms(spec, specPath);
  const cells = expandCells(spec);
  checkCells(cells, specPath);
  const store = new SweepStore(o.out);
  store.writeSweep({ file: specPath, spec, cells: cells.map((c) => c.key) });
  const log = o.log ?? (() => {});
  const total = new Set(cells.map((c) => c.key)).size;
  const finished = total - pendingCells(store, cells).length;
  log(
    `${spec.name}: ${total} cells, ${finished} finished earlier, ${total - finished} to run (${o.out})`,
  );
  const bar = o.progress?.(spec.name);
  if (finished < total) bar?.update(finished, total);
  const hooks: SweepHooks = {
    onResult: (r, done, total) => {
      log(`[${done}/${total}] ${resultLine(r)}`);
      bar?.update(done, total);
    },
    onFailure: (key, error) => log(`cell ${key} failed: ${error}`),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const outcome = o.remote
    ? await o.remote(cells, store, hooks)
    : await runLocalSweep({
        store,
        cells,
        concurrency: o.concurrency ?? 1,
        device: o.device ?? "wasm",
        ...hooks,
      });
  if (finished < total) bar?.finish();
  return { outcome, ...writeSweepReport(spec, cells, store) };
}
