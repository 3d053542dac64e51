/**
 * The GPU fast path's passes profiled (src/engine/gpu/profile.ts) and timed with the scratch pool
 * off, for bench/gpu-fast.ts: where a pass's wall time goes (each kernel label's GPU time, the
 * host's recording, the rest), and what the pool saves.
 */
import type { GpuContext } from "../src/engine/gpu/context.js";
import { GpuProfiler, type ProfileTotals } from "../src/engine/gpu/profile.js";
import { median, table } from "./setup.js";

export interface PassProfile extends ProfileTotals {
  pass: string;
  /** Wall time of the profiled pass (one pass per dispatch: a little slower than unprofiled). */
  wallMs: number;
}

/** One run of `run` with a profiler attached (after one unprofiled warm-up). */
export async function profilePass(
  ctx: GpuContext,
  pass: string,
  run: () => Promise<unknown>,
): Promise<PassProfile> {
  await run();
  const profiler = new GpuProfiler(ctx.timestamps);
  ctx.profiler = profiler;
  try {
    const t0 = performance.now();
    await run();
    return { pass, wallMs: performance.now() - t0, ...profiler.totals() };
  } finally {
    ctx.profiler = null;
  }
}

/** Median wall time of `runs` runs of `run` with the scratch pool off (emptied), then back on. */
export async function timeWithoutPool(
  ctx: GpuContext,
  run: () => Promise<unknown>,
  runs: number,
): Promise<number> {
  ctx.scratch.enabled = false;
  ctx.scratch.clear();
  try {
    await run();
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await run();
      ms.push(performance.now() - t0);
    }
    return median(ms);
  } finally {
    ctx.scratch.enabled = true;
  }
}

/** The profile as a table: kernels by GPU time (the top `top`, the rest summed), then the host. */
export function profileTable(p: PassProfile, top = 14): string {
  const gpu = p.kernels.reduce((s, k) => s + k.gpuMs, 0);
  const pct = (ms: number) => `${((100 * ms) / p.wallMs).toFixed(1)}%`;
  const shown = p.kernels.slice(0, top);
  const rest = p.kernels.slice(top);
  const restMs = rest.reduce((s, k) => s + k.gpuMs, 0);
  const restN = rest.reduce((s, k) => s + k.count, 0);
  const launches = p.kernels.reduce((s, k) => s + k.count, 0) + p.untimed;
  return table([
    [`${p.pass}: launched by`, "launches", "GPU ms", "of wall"],
    ...shown.map((k) => [k.label, String(k.count), k.gpuMs.toFixed(2), pct(k.gpuMs)]),
    ...(rest.length
      ? [[`(${rest.length} more labels)`, String(restN), restMs.toFixed(2), pct(restMs)]]
      : []),
    ["all kernels (between each pass's timestamps)", String(launches), gpu.toFixed(2), pct(gpu)],
    ["host: recording (GPU runs what is submitted)", "", p.recordMs.toFixed(2), pct(p.recordMs)],
    ["host: last submit until done (reads too)", "", p.waitMs.toFixed(2), pct(p.waitMs)],
    ["wall (profiled: one compute pass per launch)", "", p.wallMs.toFixed(2), "100%"],
  ]);
}
