/**
 * The build pool's rule (src/game/pool.ts), with fake tasks: at most `jobs` run at once; at the
 * deadline every running task's signal aborts and no task starts; a throw is a failure, kept
 * with its message; the lists keep the order the names were given in.
 */
import { describe, expect, it } from "vitest";
import { runPool, type TaskOutcome } from "../../src/game/pool.js";

/** A task that finishes after `ms`, or stops when its signal aborts first. */
const task =
  (ms: number, running: { now: number; max: number }) =>
  (_name: string, signal: AbortSignal): Promise<TaskOutcome> => {
    running.now++;
    running.max = Math.max(running.max, running.now);
    return new Promise((done) => {
      let ended = false;
      const end = (r: TaskOutcome) => {
        if (ended) return;
        ended = true;
        running.now--;
        clearTimeout(t);
        done(r);
      };
      const t = setTimeout(() => end("done"), ms);
      signal.addEventListener("abort", () => end("stopped"), { once: true });
    });
  };

describe("the build pool", () => {
  it("runs at most `jobs` at once and finishes every task without a deadline", async () => {
    const running = { now: 0, max: 0 };
    const r = await runPool(["a", "b", "c", "d", "e"], task(20, running), { jobs: 2 });
    expect(r).toEqual({ done: ["a", "b", "c", "d", "e"], unfinished: [], failed: [] });
    expect(running.max).toBe(2);
  });

  it("stops the running tasks at the deadline and starts none after it", async () => {
    const running = { now: 0, max: 0 };
    const slow = task(5_000, running);
    const started: string[] = [];
    const r = await runPool(
      ["a", "b", "c", "d"],
      (n, s) => {
        started.push(n);
        return n === "a" ? task(10, running)(n, s) : slow(n, s);
      },
      { jobs: 2, deadlineMs: 100 },
    );
    expect(r.done).toEqual(["a"]);
    expect(r.unfinished).toEqual(["b", "c", "d"]);
    // a finished early, so c started in its place; d would start only after the deadline.
    expect(started).toEqual(["a", "b", "c"]);
    expect(running.now).toBe(0);
  });

  it("keeps a failed task's message and carries on with the rest", async () => {
    const r = await runPool(
      ["a", "b"],
      async (n) => {
        if (n === "a") throw new Error("exited with 1");
        return "done";
      },
      { jobs: 1 },
    );
    expect(r).toEqual({
      done: ["b"],
      unfinished: [],
      failed: [{ name: "a", error: "exited with 1" }],
    });
  });

  it("refuses a pool of no jobs", async () => {
    await expect(runPool(["a"], async () => "done", { jobs: 0 })).rejects.toThrow(/--jobs/);
  });
});
