/**
 * `trigscope sweep FILE [--out DIR] [--concurrency N] [--device wasm|webgpu] [--queue redis://…]`:
 * runs a sweep file's unfinished cells (src/sweep/), locally or through a BullMQ queue that
 * `trigscope worker` processes consume, printing each cell as it finishes, and writes the report
 * (report.md, report.html) to the sweep folder. Ctrl-C stops; the same command resumes.
 */
import { resolve } from "node:path";
import { readSweepSpec } from "../sweep/spec.js";
import { runSweep } from "../sweep/run.js";
import { queueSweep } from "../sweep/queue.js";
import { deviceFlag, parseArgs, positiveNumber, UsageError } from "./args.js";
import { progressBar } from "./awareness-common.js";
import { untilInterrupted } from "./interrupt.js";
import { register } from "./registry.js";

register({
  name: "sweep",
  summary: "Run a grid of audits (organisms × methods × settings × seeds) locally or on a queue",
  usage:
    "sweep FILE.yaml|FILE.json [--out DIR] [--concurrency N] [--device wasm|webgpu] [--queue redis://HOST:PORT] [--queue-name NAME]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      out: { type: "string" },
      concurrency: { type: "number" },
      device: { type: "string" },
      queue: { type: "string" },
      "queue-name": { type: "string" },
    });
    if (positional.length !== 1) throw new UsageError("give one sweep file");
    const file = positional[0]!;
    if (flags.queue !== undefined && (flags.concurrency !== undefined || flags.device))
      throw new UsageError(
        "--concurrency and --device are the workers' (trigscope worker) with --queue",
      );
    const name = readSweepSpec(file).name;
    const out = resolve(flags.out ?? `sweeps/${name.replace(/[^\w.-]+/g, "_")}`);
    const concurrency =
      flags.concurrency === undefined ? 1 : positiveNumber(flags.concurrency, "concurrency");
    const t0 = performance.now();
    const r = await untilInterrupted((signal) =>
      runSweep(file, {
        out,
        concurrency,
        device: deviceFlag(flags.device),
        ...(flags.queue !== undefined
          ? {
              remote: (cells, store, hooks) =>
                queueSweep({
                  url: flags.queue!,
                  ...(flags["queue-name"] ? { name: flags["queue-name"] } : {}),
                  cells,
                  store,
                  ...hooks,
                }),
            }
          : {}),
        log: (l) => io.stdout(l),
        progress: (label) => progressBar(label, io),
        signal,
      }),
    );
    const o = r.outcome;
    io.stdout(
      `${o.ran} cells run, ${o.skipped} finished earlier, ${o.failed.length} failed, ${o.total - o.skipped - o.ran} left (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    if (o.interrupted) io.stdout("interrupted: run the same command to resume");
    io.stdout(`report: ${r.files.join(" and ")}`);
    return o.failed.length > 0 || o.interrupted ? 1 : 0;
  },
});
