/**
 * `trigscope sweep FILE [--out DIR] [--concurrency N] [--device wasm|webgpu] [--queue redis://…]`:
 * runs a sweep file's unfinished cells (src/sweep/), locally or through a BullMQ queue that
 * `trigscope worker` processes consume, printing each cell as it finishes, and writes the report
 * (report.md, report.html) to the sweep folder. SIGINT/SIGTERM stop it; the same command resumes.
 */
import { resolve } from "node:path";
import { readSweepSpec } from "../sweep/spec.js";
import { runSweep } from "../sweep/run.js";
import { queueSweep } from "../sweep/queue.js";
import { defineCommand } from "./command.js";
import { DEVICE_IF_GIVEN } from "./common-options.js";
import { UsageError } from "./options.js";

/** The sweep's folder: --out, or sweeps/<the sweep's name>. */
const sweepDir = (file: string, out: string | undefined) =>
  resolve(out ?? `sweeps/${readSweepSpec(file).name.replace(/[^\w.-]+/g, "_")}`);

defineCommand({
  name: "sweep",
  summary: "Run a grid of audits (organisms × methods × settings × seeds) locally or on a queue",
  positionals: [{ name: "FILE", description: "the sweep file (YAML or JSON)" }],
  options: {
    out: {
      type: "string",
      value: "DIR",
      defaultText: "sweeps/<sweep name>",
      description: "the sweep's folder",
    },
    concurrency: {
      type: "integer",
      min: 1,
      defaultText: "1",
      description: "cells run at once (local pool)",
    },
    device: DEVICE_IF_GIVEN,
    queue: {
      type: "string",
      value: "redis://HOST:PORT",
      description: "run the cells through this queue's workers",
    },
    "queue-name": {
      type: "string",
      value: "NAME",
      defaultText: "the sweep's",
      description: "the queue's name",
    },
  },
  interrupt: { savedIn: ({ opts, positionals }) => sweepDir(positionals[0]!, opts.out) },
  async run({ opts: flags, positionals }, { io, signal, progress }) {
    const file = positionals[0]!;
    if (flags.queue !== undefined && (flags.concurrency !== undefined || flags.device))
      throw new UsageError(
        "--concurrency and --device are the workers' (trigscope worker) with --queue",
      );
    const out = sweepDir(file, flags.out);
    const concurrency = flags.concurrency ?? 1;
    const t0 = performance.now();
    const r = await runSweep(file, {
      out,
      concurrency,
      device: flags.device ?? "wasm",
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
      progress,
      signal,
    });
    const o = r.outcome;
    io.stdout(
      `${o.ran} cells run, ${o.skipped} finished earlier, ${o.failed.length} failed, ${o.total - o.skipped - o.ran} left (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    io.stdout(`report: ${r.files.join(" and ")}`);
    return o.failed.length > 0 ? 1 : 0;
  },
});
