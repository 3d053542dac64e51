/**
 * Local mode: the sweep's unfinished cells run on this machine in a pool of child processes (one
 * by default: each child's engine already uses every core). Each result is written as it arrives,
 * so an interrupted sweep resumes with the cells it had not finished; a failed cell is reported and
 * left unfinished (the next run tries it again) while the others go on.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { KeyedCell } from "./cells.js";
import { CellExecutor } from "./executor.js";
import { cellRun, type CellResult, type SweepStore } from "./store.js";

export interface PoolOptions {
  store: SweepStore;
  cells: KeyedCell[];
  /** Child processes running cells at once (default 1). */
  concurrency?: number;
  device?: "wasm" | "webgpu";
  /** Folder for the audits' scratch output (default: the sweep folder's `scratch/`). */
  scratch?: string;
  /** Called as each cell finishes (`done` counts the skipped cells too). */
  onResult?: (r: CellResult, done: number, total: number) => void;
  onFailure?: (key: string, error: string) => void;
  signal?: AbortSignal;
}

export interface SweepOutcome {
  total: number;
  skipped: number;
  ran: number;
  failed: { key: string; error: string }[];
  interrupted: boolean;
}

/** The cells not yet in the store, each key once. */
export function pendingCells(store: SweepStore, cells: KeyedCell[]): KeyedCell[] {
  const seen = new Set<string>();
  return cells.filter((c) => !seen.has(c.key) && seen.add(c.key) && !store.has(c.key));
}

/** The cells still to run and the outcome that counts them (total, already stored), nothing run yet. */
export function startOutcome(
  store: SweepStore,
  cells: KeyedCell[],
): { todo: KeyedCell[]; outcome: SweepOutcome } {
  const total = new Set(cells.map((c) => c.key)).size;
  const todo = pendingCells(store, cells);
  return {
    todo,
    outcome: { total, skipped: total - todo.length, ran: 0, failed: [], interrupted: false },
  };
}

export async function runLocalSweep(o: PoolOptions): Promise<SweepOutcome> {
  const { todo, outcome } = startOutcome(o.store, o.cells);
  const slots = Math.max(1, Math.min(o.concurrency ?? 1, todo.length));
  const scratch = o.scratch ?? join(o.store.dir, "scratch");
  const executors = Array.from(
    { length: slots },
    () => new CellExecutor({ device: o.device ?? "wasm", scratch }),
  );
  const stop = () => executors.forEach((e) => e.close());
  o.signal?.addEventListener("abort", stop, { once: true });
  let next = 0;
  const loop = async (slot: number) => {
    const ex = executors[slot]!;
    const worker = `local-${slot + 1}`;
    while (next < todo.length && !o.signal?.aborted) {
      const c = todo[next++]!;
      o.store.logAttempt({ key: c.key, event: "start", worker, pid: process.pid });
      try {
        const { measures, seconds } = await ex.run(c);
        const result: CellResult = { ...c, measures, run: cellRun(worker, seconds) };
        o.store.write(result);
        o.store.logAttempt({ key: c.key, event: "finish", worker, pid: process.pid });
        outcome.ran++;
        o.onResult?.(result, outcome.skipped + outcome.ran, outcome.total);
      } catch (e) {
        const error = (e as Error).message;
        o.store.logAttempt({ key: c.key, event: "fail", worker, pid: process.pid, error });
        if (o.signal?.aborted) break;
        outcome.failed.push({ key: c.key, error });
        o.onFailure?.(c.key, error);
      }
    }
  };
  try {
    await Promise.all(executors.map((_, i) => loop(i)));
  } finally {
    o.signal?.removeEventListener("abort", stop);
    stop();
    // What a cell killed mid-way left behind (its rerun starts afresh in a folder of its own).
    if (o.scratch === undefined) rmSync(scratch, { recursive: true, force: true });
  }
  outcome.interrupted = o.signal?.aborted ?? false;
  return outcome;
}
