/**
 * The producer's reading of a completed job (the race the 144-cell Redis run hit): a job object
 * fetched while its cell ran has no return value, so the result is read from a fresh copy, and a
 * missing or mismatched value is left for the next poll rather than written under key 'undefined'.
 */
import { describe, expect, it } from "vitest";
import { completedResult } from "../../src/sweep/queue.js";

const KEY = "0123456789abcdef";
const log = JSON.stringify({ key: KEY, event: "finish", worker: "w1", pid: 7, host: "h", at: "t" });

/** A stand-in for the two Queue methods completedResult uses; `stored` is what Redis holds now. */
function fakeQueue(stored: unknown) {
  return {
    getJob: (id: string) => Promise.resolve(id === KEY ? { id, returnvalue: stored } : undefined),
    getJobLogs: () => Promise.resolve({ logs: [log, "not json"], count: 2 }),
  } as unknown as Parameters<typeof completedResult>[0];
}

describe("a completed job's result", () => {
  it("is read from Redis as it is now, with the workers' log of events", async () => {
    const r = await completedResult(fakeQueue({ key: KEY, measures: { rank: 2 } }), KEY);
    expect(r).toMatchObject({ key: KEY, measures: { rank: 2 } });
    expect(r!.attempts).toEqual([JSON.parse(log)]);
  });

  it("is null while the value is missing or names another cell", async () => {
    expect(await completedResult(fakeQueue(null), KEY)).toBeNull();
    expect(await completedResult(fakeQueue(undefined), KEY)).toBeNull();
    expect(await completedResult(fakeQueue({ key: "ffffffffffffffff" }), KEY)).toBeNull();
    expect(await completedResult(fakeQueue({ key: KEY }), "fedcba9876543210")).toBeNull();
  });
});
