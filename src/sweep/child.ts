/**
 * The process that runs cells (forked by executor.ts, for the local pool and for queue workers):
 * it starts the engine once, then runs the cells its parent sends over IPC, one at a time, and
 * answers each with its measures or its error. It exits when its parent goes away (a killed worker
 * takes its cell with it, so the queue hands the cell to another worker rather than two running it).
 */
import { initEngine } from "../engine/device.js";
import { runCell } from "./job.js";
import type { ChildReply, ChildRequest } from "./executor.js";

function send(m: ChildReply): void {
  process.send?.(m);
}

const device = (process.env.TRIGSCOPE_SWEEP_DEVICE ?? "wasm") as "wasm" | "webgpu";
const scratch = process.env.TRIGSCOPE_SWEEP_SCRATCH!;
process.on("disconnect", () => process.exit(0));
const ready = initEngine(device);

process.on("message", (m: ChildRequest) => {
  void (async () => {
    const t0 = performance.now();
    try {
      await ready;
      const measures = await runCell(m.cell, m.key, { scratch });
      send({ id: m.id, ok: true, measures, seconds: (performance.now() - t0) / 1000 });
    } catch (e) {
      const err = e as Error;
      send({ id: m.id, ok: false, error: `${err.name}: ${err.message}` });
    }
  })();
});
