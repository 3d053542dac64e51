/**
 * `trigscope worker --queue redis://HOST:PORT [--concurrency N] [--device wasm|webgpu]
 * [--results DIR]`: consumes sweep cells from the queue that `trigscope sweep --queue` fills, on
 * any machine, until Ctrl-C or SIGTERM (src/sweep/queue-worker.ts).
 */
import { resolve } from "node:path";
import { runQueueWorker } from "../sweep/queue-worker.js";
import { deviceFlag, parseArgs, positiveNumber, UsageError } from "./args.js";
import { register } from "./registry.js";

register({
  name: "worker",
  summary: "Run sweep cells from a BullMQ/Redis queue (see sweep --queue)",
  usage:
    "worker --queue redis://HOST:PORT [--queue-name NAME] [--concurrency N] [--device wasm|webgpu] [--results DIR] [--lock-ms MS] [--stalled-ms MS] [--name NAME]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      queue: { type: "string" },
      "queue-name": { type: "string" },
      concurrency: { type: "number" },
      device: { type: "string" },
      results: { type: "string" },
      "lock-ms": { type: "number" },
      "stalled-ms": { type: "number" },
      name: { type: "string" },
    });
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    if (flags.queue === undefined) throw new UsageError("--queue redis://HOST:PORT is required");
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const r = await runQueueWorker({
        url: flags.queue,
        ...(flags["queue-name"] ? { name: flags["queue-name"] } : {}),
        concurrency:
          flags.concurrency === undefined ? 1 : positiveNumber(flags.concurrency, "concurrency"),
        device: deviceFlag(flags.device),
        ...(flags.results ? { results: resolve(flags.results) } : {}),
        ...(flags["lock-ms"] !== undefined
          ? { lockMs: positiveNumber(flags["lock-ms"], "lock-ms") }
          : {}),
        ...(flags["stalled-ms"] !== undefined
          ? { stalledMs: positiveNumber(flags["stalled-ms"], "stalled-ms") }
          : {}),
        ...(flags.name ? { workerName: flags.name } : {}),
        log: (l) => io.stderr(l),
        signal: stop.signal,
      });
      io.stderr(`worker stopped after ${r.processed} cells`);
      return 0;
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
  },
});
