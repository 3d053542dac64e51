/**
 * collectJobs (src/sweep/queue-collect.ts) returns only once the checks its events and polls
 * started have settled, so its caller may close the queue's connection right away: a check still
 * in flight would otherwise fail with ioredis's "Connection is closed" as an unhandled rejection.
 */
import { EventEmitter } from "node:events";
import type { QueueEvents } from "bullmq";
import { describe, expect, it } from "vitest";
import { collectJobs } from "../../src/sweep/queue-collect.js";

const tick = () => new Promise((r) => setTimeout(r, 10));

describe("collectJobs", () => {
  it("waits for an event's check still in flight when aborted, and stops listening", async () => {
    const events = Object.assign(new EventEmitter(), {
      waitUntilReady: () => Promise.resolve(),
    }) as unknown as QueueEvents;
    let release: () => void = () => {};
    let lookups = 0;
    const job = { id: "a", getState: () => Promise.resolve("active") };
    const queue = {
      getJob: (_id: string) => {
        lookups++;
        // The first lookup (the initial pass) answers at once; the event's is held.
        if (lookups === 1) return Promise.resolve(job);
        return new Promise((resolve) => (release = () => resolve(job)));
      },
    };
    const abort = new AbortController();
    let returned = false;
    const done = collectJobs({
      queue: queue as never,
      events,
      ids: ["a"],
      read: () => Promise.resolve(null),
      onResult: () => {},
      onFailed: () => {},
      pollMs: 60_000,
      signal: abort.signal,
    }).then((out) => {
      returned = true;
      return out;
    });
    await tick();
    (events as unknown as EventEmitter).emit("completed", { jobId: "a" });
    abort.abort();
    await tick();
    expect(returned).toBe(false); // the event's lookup is still out
    release();
    expect(await done).toEqual(new Set(["a"]));
    expect((events as unknown as EventEmitter).listenerCount("completed")).toBe(0);
    expect((events as unknown as EventEmitter).listenerCount("failed")).toBe(0);
  });
});
