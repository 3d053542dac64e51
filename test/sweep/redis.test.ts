/**
 * Distributed sweeps on a real redis-server: the producer enqueues the tiny sweep, three
 * `trigscope worker` processes consume it, and one of them is killed (SIGKILL, by its PID) while it
 * runs a cell. Every cell must finish exactly once with the same measures as the local pool: the
 * killed cell started twice (once by the killed worker, never finished there) and finished once
 * elsewhere, every other cell started and finished once — in the shared folder's attempts file and
 * in the execution record each job kept in Redis.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandCells } from "../../src/sweep/cells.js";
import { queueSweep, type QueuedResult } from "../../src/sweep/queue.js";
import { runSweep, writeSweepReport } from "../../src/sweep/run.js";
import { readSweepSpec } from "../../src/sweep/spec.js";
import { readAttempts, SweepStore, type AttemptEvent } from "../../src/sweep/store.js";
import { startRedis } from "./redis-server.js";
import { sweepFile, tempDir } from "./fixtures.js";

const file = sweepFile();
const cells = expandCells(readSweepSpec(file));
const localOut = tempDir("sweep-local-ref");
const sharedOut = tempDir("sweep-shared");
const workers: ChildProcess[] = [];
let redis: Awaited<ReturnType<typeof startRedis>>;
let killed: { pid: number; key: string };
let queued: Awaited<ReturnType<typeof runSweep>>;

function startWorker(url: string, name: string): ChildProcess {
  const args = ["bin/trigscope.js", "worker", "--queue", url, "--results", sharedOut];
  // A short lock so that the killed worker's cell is recovered within seconds (10 s: long enough
  // that a live worker on a loaded machine renews it in time).
  const timing = ["--lock-ms", "10000", "--stalled-ms", "2000", "--name", name];
  const w = spawn(process.execPath, [...args, ...timing], { stdio: ["ignore", "ignore", "pipe"] });
  w.stderr!.on("data", () => {});
  workers.push(w);
  return w;
}

/** Kills (SIGKILL) the worker that logs the first start, while that cell is running. */
async function killFirstStarter(): Promise<{ pid: number; key: string }> {
  const path = join(sharedOut, "attempts.jsonl");
  for (;;) {
    const start = readAttempts(path).find((e) => e.event === "start");
    if (start) {
      process.kill(start.pid, "SIGKILL");
      return { pid: start.pid, key: start.key };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const count = (es: AttemptEvent[], key: string, event: AttemptEvent["event"]) =>
  es.filter((e) => e.key === key && e.event === event);

beforeAll(async () => {
  await runSweep(file, { out: localOut });
  redis = await startRedis();
  for (const name of ["w1", "w2", "w3"]) startWorker(redis.url, name);
  const sweep = runSweep(file, {
    out: sharedOut,
    remote: (cs, store, hooks) =>
      queueSweep({ url: redis.url, cells: cs, store, pollMs: 1000, backoffMs: 500, ...hooks }),
  });
  killed = await killFirstStarter();
  queued = await sweep;
}, 300_000);

afterAll(() => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGTERM");
  redis?.stop();
});

describe("a sweep through BullMQ with three workers, one killed mid-cell", () => {
  it("finishes every cell", () => {
    expect(queued.outcome).toMatchObject({ total: 6, ran: 6, failed: [], interrupted: false });
    expect(new SweepStore(sharedOut).keys().sort()).toEqual(cells.map((c) => c.key).sort());
  });

  it("ran the killed worker's cell again exactly once, every other cell once", () => {
    const attempts = new SweepStore(sharedOut).attempts();
    const killedStarts = count(attempts, killed.key, "start");
    expect(killedStarts).toHaveLength(2);
    expect(killedStarts[0]!.pid).toBe(killed.pid);
    expect(killedStarts[1]!.pid).not.toBe(killed.pid);
    const finishes = count(attempts, killed.key, "finish");
    expect(finishes.map((e) => e.pid)).toEqual([killedStarts[1]!.pid]);
    for (const { key } of cells.filter((c) => c.key !== killed.key)) {
      expect(count(attempts, key, "start")).toHaveLength(1);
      expect(count(attempts, key, "finish")).toHaveLength(1);
    }
    expect(attempts.some((e) => e.pid === killed.pid && e.event === "finish")).toBe(false);
  });

  it("keeps the same execution record in Redis, with each result", () => {
    const store = new SweepStore(sharedOut);
    for (const { key } of cells) {
      const r = store.read(key) as QueuedResult;
      const starts = r.attempts!.filter((e) => e.event === "start").map((e) => e.pid);
      expect(starts).toHaveLength(key === killed.key ? 2 : 1);
      expect(r.attempts!.filter((e) => e.event === "finish")).toHaveLength(1);
      expect(r.run.pid).toBe(starts[starts.length - 1]);
    }
  });

  it("gives the same measures as the local pool", () => {
    const local = new SweepStore(localOut);
    const shared = new SweepStore(sharedOut);
    for (const { key } of cells)
      expect(shared.read(key)!.measures).toEqual(local.read(key)!.measures);
    const spec = readSweepSpec(file);
    expect(queued.summary).toEqual(writeSweepReport(spec, cells, local).summary);
  });

  it("skips everything when the producer runs again", async () => {
    const again = await runSweep(file, {
      out: sharedOut,
      remote: (cs, store, hooks) => queueSweep({ url: redis.url, cells: cs, store, ...hooks }),
    });
    expect(again.outcome).toMatchObject({ ran: 0, skipped: 6 });
    expect(existsSync(join(sharedOut, "report.html"))).toBe(true);
  });
});
