/**
 * `trigscope worker --queue redis://HOST:PORT [--concurrency N] [--device wasm|webgpu]
 * [--results DIR]`: consumes sweep cells from the queue that `trigscope sweep --queue` fills, on
 * any machine, until SIGINT or SIGTERM (src/sweep/queue-worker.ts).
 */
import { resolve } from "node:path";
import { runQueueWorker } from "../sweep/queue-worker.js";
import { defineCommand } from "./command.js";
import { count, DEVICE } from "./common-options.js";

const ms = (description: string) =>
  ({ type: "integer", min: 1, value: "MS", defaultText: "the queue's", description }) as const;

defineCommand({
  name: "worker",
  summary: "Run sweep cells from a BullMQ/Redis queue (see sweep --queue)",
  options: {
    queue: { type: "string", required: true, value: "redis://HOST:PORT", description: "the queue" },
    "queue-name": {
      type: "string",
      value: "NAME",
      defaultText: "the queue's default",
      description: "the queue's name",
    },
    concurrency: count("cells run at once", 1),
    device: DEVICE,
    results: {
      type: "string",
      value: "DIR",
      defaultText: "none: results return through the queue",
      description: "a shared sweep folder for results and attempts",
    },
    "lock-ms": ms("how long a cell's lock lasts unrenewed"),
    "stalled-ms": ms("how often stalled cells are looked for"),
    name: {
      type: "string",
      value: "NAME",
      defaultText: "host and pid",
      description: "this worker's name",
    },
  },
  service: true,
  async run({ opts: flags }, { io, signal }) {
    const r = await runQueueWorker({
      url: flags.queue,
      ...(flags["queue-name"] ? { name: flags["queue-name"] } : {}),
      concurrency: flags.concurrency,
      device: flags.device,
      ...(flags.results ? { results: resolve(flags.results) } : {}),
      ...(flags["lock-ms"] !== undefined ? { lockMs: flags["lock-ms"] } : {}),
      ...(flags["stalled-ms"] !== undefined ? { stalledMs: flags["stalled-ms"] } : {}),
      ...(flags.name ? { workerName: flags.name } : {}),
      log: (l) => io.stderr(l),
      signal,
    });
    io.stderr(`worker stopped after ${r.processed} cells`);
    return 0;
  },
});
