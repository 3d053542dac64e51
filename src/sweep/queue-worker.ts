/**
 * Distributed mode, the worker's side: a BullMQ worker that takes cells off the queue and runs
 * each in a child process (executor.ts), so its own event loop keeps renewing the job's lock while
 * the cell computes. A worker that dies mid-cell stops renewing it: once the lock expires, another
 * worker's stalled-job check puts the cell back on the queue and it runs again, once (BullMQ's
 * maxStalledCount 1). Every execution is logged on the job (start, finish, fail: JSON lines that
 * the producer keeps with the result), and, with a shared results folder, in its attempts file;
 * results return through the queue and, with that folder, are also written there atomically.
 * The same process also takes awareness samples off their own queue (awareness-worker.ts) unless
 * `jobs` leaves them out.
 */
import { Worker, type Job } from "bullmq";
import { hostname } from "node:os";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startAwarenessWorker, type StartedWorker } from "./awareness-worker.js";
import { cellKey } from "./cells.js";
import { CellExecutor } from "./executor.js";
import { connectionFromUrl, DEFAULT_QUEUE, type CellJob, type QueuedResult } from "./queue.js";
import { cellRun, SweepStore, type AttemptEvent } from "./store.js";

export interface QueueWorkerOptions {
  url: string;
  name?: string;
  /** Cells this worker runs at once (default 1), each in its own child process. */
  concurrency?: number;
  device?: "wasm" | "webgpu";
  /** A shared sweep folder: finished cells are skipped, results and attempts written there. */
  results?: string;
  /** How long a job's lock lasts without renewal (default 30 s) and the stalled check's period. */
  lockMs?: number;
  stalledMs?: number;
  /** Which queues to take jobs from (default both). */
  jobs?: readonly QueueJobKind[];
  /** The awareness queue's name (default AWARENESS_QUEUE) and its completion cache's folder. */
  awarenessName?: string;
  cacheDir?: string;
  /** This worker's name in the records (default host:pid). */
  workerName?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** The kinds of job a worker process takes: sweep cells, awareness samples. */
export const QUEUE_JOB_KINDS = ["sweep", "awareness"] as const;
export type QueueJobKind = (typeof QUEUE_JOB_KINDS)[number];

/** A list of job kinds from "sweep,awareness"; an unknown or empty one is an error naming it. */
export function parseJobKinds(text: string): QueueJobKind[] {
  const parts = text.split(",").map((s) => s.trim());
  for (const p of parts)
    if (!(QUEUE_JOB_KINDS as readonly string[]).includes(p))
      throw new Error(`--jobs: '${p}' is not a kind of job (known: ${QUEUE_JOB_KINDS.join(", ")})`);
  return [...new Set(parts as QueueJobKind[])];
}

/** Starts a worker on the sweep queue; resolves once it is connected. */
async function startSweepWorker(
  o: QueueWorkerOptions,
  workerName: string,
  log: (line: string) => void,
): Promise<StartedWorker> {
  const store = o.results ? new SweepStore(o.results) : null;
  const scratch = o.results ? join(o.results, "scratch") : join(tmpdir(), "trigscope-sweep");
  const free = Array.from(
    { length: o.concurrency ?? 1 },
    () => new CellExecutor({ device: o.device ?? "wasm", scratch }),
  );
  const all = [...free];
  let processed = 0;
  const record = async (job: Job, e: Omit<AttemptEvent, "at" | "host" | "worker" | "pid">) => {
    const ev = { ...e, worker: workerName, pid: process.pid };
    store?.logAttempt(ev);
    await job.log(JSON.stringify({ ...ev, host: hostname(), at: new Date().toISOString() }));
  };
  const processor = async (job: Job<CellJob, QueuedResult>): Promise<QueuedResult> => {
    const { key, cell } = job.data;
    if (cellKey(cell) !== key) throw new Error(`job ${job.id}: its cell does not hash to ${key}`);
    const stored = store?.read(key);
    if (stored) {
      log(`${key}: already in ${o.results}, returned as stored`);
      return stored;
    }
    const ex = free.pop()!;
    try {
      await record(job, { key, event: "start" });
      log(`${key}: running (attempt ${job.attemptsStarted})`);
      const { measures, seconds } = await ex.run({ key, cell });
      const result: QueuedResult = { key, cell, measures, run: cellRun(workerName, seconds) };
      store?.write(result);
      await record(job, { key, event: "finish" });
      processed++;
      log(`${key}: done in ${seconds.toFixed(1)} s`);
      return result;
    } catch (err) {
      const error = (err as Error).message;
      await record(job, { key, event: "fail", error }).catch(() => {});
      log(`${key}: failed: ${error}`);
      throw err;
    } finally {
      free.push(ex);
    }
  };
  const worker = new Worker<CellJob, QueuedResult>(o.name ?? DEFAULT_QUEUE, processor, {
    connection: connectionFromUrl(o.url),
    concurrency: o.concurrency ?? 1,
    lockDuration: o.lockMs ?? 30_000,
    stalledInterval: o.stalledMs ?? 30_000,
    maxStalledCount: 1,
  });
  worker.on("error", (e) => log(`worker error: ${e.message}`));
  await worker.waitUntilReady();
  log(`worker ${workerName} on ${o.url} (queue ${o.name ?? DEFAULT_QUEUE}, ${all.length} at once)`);
  return {
    processed: () => processed,
    // A cell still running is abandoned (its lock lapses and another worker takes it), as when
    // the worker is killed.
    close: async () => {
      all.forEach((e) => e.close());
      await worker.close(true);
    },
  };
}

/**
 * Runs the chosen workers (default: sweep cells and awareness samples) until `signal` aborts;
 * returns how many jobs of each kind this process finished.
 */
export async function runQueueWorker(
  o: QueueWorkerOptions,
): Promise<{ processed: number; awareness: number }> {
  const workerName = o.workerName ?? `${hostname()}:${process.pid}`;
  const log = o.log ?? (() => {});
  const kinds = o.jobs ?? QUEUE_JOB_KINDS;
  if (kinds.length === 0) throw new Error("a worker needs at least one kind of job");
  const sweep = kinds.includes("sweep") ? await startSweepWorker(o, workerName, log) : null;
  const awareness = kinds.includes("awareness")
    ? await startAwarenessWorker({
        url: o.url,
        ...(o.awarenessName ? { name: o.awarenessName } : {}),
        concurrency: o.concurrency ?? 1,
        ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
        ...(o.lockMs !== undefined ? { lockMs: o.lockMs } : {}),
        ...(o.stalledMs !== undefined ? { stalledMs: o.stalledMs } : {}),
        workerName,
        log,
      })
    : null;
  await new Promise<void>((resolve) => {
    if (o.signal?.aborted) resolve();
    o.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  await Promise.all([sweep?.close(), awareness?.close()]);
  return { processed: sweep?.processed() ?? 0, awareness: awareness?.processed() ?? 0 };
}
