/**
 * `trigscope worker --queue redis://HOST:PORT [--jobs sweep,awareness] [--concurrency N]
 * [--device wasm|webgpu] [--results DIR] [--cache DIR]`: consumes sweep cells from the queue that
 * `trigscope sweep --queue` fills and awareness samples from the one `trigscope awareness run
 * --queue` fills, on any machine, until SIGINT or SIGTERM (src/sweep/queue-worker.ts).
 */
import { resolve } from "node:path";
import { parseJobKinds, QUEUE_JOB_KINDS, runQueueWorker } from "../sweep/queue-worker.js";
import { defineCommand } from "./command.js";
import { count, DEVICE } from "./common-options.js";
import { UsageError } from "./options.js";

const ms = (description: string) =>
  ({ type: "integer", min: 1, value: "MS", defaultText: "the queue's", description }) as const;

defineCommand({
  name: "worker",
  summary:
    "Run sweep cells and awareness samples from a BullMQ/Redis queue (see sweep --queue, awareness run --queue)",
  options: {
    queue: { type: "string", required: true, value: "redis://HOST:PORT", description: "the queue" },
    jobs: {
      type: "string",
      value: "LIST",
      default: QUEUE_JOB_KINDS.join(","),
      description: `the kinds of job to take, of ${QUEUE_JOB_KINDS.join(",")}`,
    },
    "queue-name": {
      type: "string",
      value: "NAME",
      defaultText: "the queue's default",
      description: "the sweep queue's name",
    },
    concurrency: count("cells (and samples) run at once", 1),
    device: DEVICE,
    results: {
      type: "string",
      value: "DIR",
      defaultText: "none: results return through the queue",
      description: "a shared sweep folder for results and attempts",
    },
    cache: {
      type: "string",
      value: "DIR",
      defaultText: "a folder in the system's temp folder",
      description: "where awareness completions are cached, a folder per run",
    },
    "lock-ms": ms("how long a job's lock lasts unrenewed"),
    "stalled-ms": ms("how often stalled jobs are looked for"),
    name: {
      type: "string",
      value: "NAME",
      defaultText: "host and pid",
      description: "this worker's name",
    },
  },
  service: true,
  async run({ opts: flags }, { io, signal }) {
    let jobs;
    try {
      jobs = parseJobKinds(flags.jobs);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const r = await runQueueWorker({
      url: flags.queue,
      jobs,
      ...(flags.cache ? { cacheDir: resolve(flags.cache) } : {}),
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
    io.stderr(`worker stopped after ${r.processed} cells and ${r.awareness} awareness jobs`);
    return 0;
  },
});
