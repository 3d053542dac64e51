/**
 * Per-kernel time of one forward and one steering step, from jax-js's kernel trace
 * (`profiler.startTrace`, read back as `performance` measures).
 *
 * With the wasm worker pool a kernel is only dispatched on the main thread, so its trace entry
 * measures the dispatch, not the work: run this with TRIGSCOPE_THREADS=1 (bench/run.ts starts it
 * as a child process that way), where each entry is the kernel's real execution time.
 *
 *   TRIGSCOPE_THREADS=1 tsx bench/profile.ts [--top N] [shape options of bench/run.ts]
 * prints one JSON object: for each op, wall ms, the sum over kernels, totals per kind, top kernels.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { initEngine } from "../src/engine/device.js";
import { profiler } from "../src/engine/jax.js";
import { steeringLossAndGrad } from "../src/model/loss.js";
import { modelFromTensors, type Model } from "../src/model/model.js";
import { runWithCache } from "../src/model/run.js";
import { benchModelSpec, CPU_DEFAULTS, parseArgs, steerArgs, type StepInputs } from "./setup.js";

export interface KernelRow {
  ms: number;
  count: number;
  kind: string;
  what: string;
}

export interface OpProfile {
  wall_ms: number;
  kernel_ms: number;
  kernels: number;
  by_kind: Record<string, number>;
  top: KernelRow[];
}

const TRANSCENDENTAL = /\b(Exp|Log|Sqrt|Sin|Cos|Tanh|Erf)\(/;

/**
 * A readable name for a traced kernel. jax-js prints a kernel as an expression over global views
 * `GV_i<dtype>{shape:strides:…}`; the last axis of a reduction's views is the reduced one. A matmul
 * is an Add reduction over two operands; more operands mean elementwise work fused into its inner
 * loop (recomputed for every output element), and a reduced-axis stride > 1 a strided inner loop.
 */
function describe(label: string, props: Record<string, string>): { kind: string; what: string } {
  if (!label.startsWith("Kernel")) {
    return {
      kind: `routine ${label}`,
      what: `${label} ${props.inputShapes} -> ${props.outputShapes}`,
    };
  }
  const exp = props.exp ?? "";
  const views = new Map<string, { shape: string; stride: number }>();
  for (const m of exp.matchAll(/GV_(\d+)<\w+>\{([\d,]+):([\d,]+):/g)) {
    const strides = m[3]!.split(",").map(Number);
    views.set(m[1]!, { shape: m[2]!, stride: strides[strides.length - 1]! });
  }
  const red = props.reduction ?? "";
  const [op, size] = red.split(":");
  const shape = [...new Set([...views.values()].map((v) => v.shape))].map((x) => `[${x}]`);
  if (!(op === "Add" && Number(size) >= 32 && views.size >= 2)) {
    const kind = red ? "reduction (norm, softmax, mean)" : "elementwise";
    return { kind, what: `${label} ${red ? `reduce ${red} ` : ""}over ${shape.join(" ")}` };
  }
  const fused = views.size > 2 || TRANSCENDENTAL.test(exp);
  const strided = [...views.values()].some((v) => v.stride > 1);
  const notes = [
    fused
      ? `${views.size - 2} fused operand(s)${TRANSCENDENTAL.test(exp) ? " + exp/log" : ""}`
      : "",
    strided ? "strided inner loop" : "",
  ].filter(Boolean);
  const kind = fused ? "matmul with fused elementwise" : "matmul";
  return {
    kind,
    what: `${label} matmul ${shape.join(" ")}, K=${size}${notes.length ? ` (${notes.join(", ")})` : ""}`,
  };
}

async function traceOnce(fn: () => Promise<unknown>, top: number): Promise<OpProfile> {
  await fn(); // compiled and warm
  performance.clearMeasures();
  profiler.startTrace();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  profiler.stopTrace();
  const rows = new Map<string, KernelRow>();
  const byKind: Record<string, number> = {};
  let total = 0;
  let count = 0;
  for (const m of performance.getEntriesByType("measure")) {
    const detail = (m as PerformanceMeasure).detail as
      { devtools?: { trackGroup?: string; properties?: [string, string][] } } | undefined;
    if (detail?.devtools?.trackGroup !== "JAX Profiler") continue;
    const { kind, what } = describe(m.name, Object.fromEntries(detail.devtools.properties ?? []));
    const row = rows.get(what) ?? { ms: 0, count: 0, kind, what };
    row.ms += m.duration;
    row.count++;
    rows.set(what, row);
    byKind[kind] = (byKind[kind] ?? 0) + m.duration;
    total += m.duration;
    count++;
  }
  performance.clearMeasures();
  const sorted = [...rows.values()].sort((a, b) => b.ms - a.ms);
  return {
    wall_ms: wall,
    kernel_ms: total,
    kernels: count,
    by_kind: byKind,
    top: sorted.slice(0, top),
  };
}

export async function profileOps(
  model: Model,
  s: StepInputs,
  top: number,
): Promise<{ forward: OpProfile; steer: OpProfile }> {
  const forward = await traceOnce(() => runWithCache(model, s.batch, { logits: true }), top);
  const steer = await traceOnce(() => steeringLossAndGrad(model, ...steerArgs(s)), top);
  return { forward, steer };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), { ...CPU_DEFAULTS, top: 8 });
  await initEngine("wasm");
  const { cfg, tensors, step } = benchModelSpec(opts);
  const model = modelFromTensors(cfg, tensors, "bench (random)");
  const result = await profileOps(model, step, opts.top);
  model.dispose();
  process.stdout.write(
    `${JSON.stringify({ threads: navigator.hardwareConcurrency, ...result })}\n`,
  );
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
