/**
 * Which CPU sgemm trigscope uses, picked once per process: the native OpenBLAS when koffi and the
 * library load, else the wasm SIMD kernel, else the plain JS loop. `cpuKernelInfo()` says which
 * and why, for `trigscope model info` and the benches.
 *
 * TRIGSCOPE_CPU_KERNEL=openblas|wasm-simd|js forces one (an unavailable forced kernel is an error,
 * not a silent fallback); TRIGSCOPE_OPENBLAS picks or disables the library (native-sgemm.ts).
 */
import { jsSgemm } from "./js-sgemm.js";
import { loadNativeSgemm, openblasPaths } from "./native-sgemm.js";
import type { Sgemm } from "./sgemm.js";
import { createWasmSgemm } from "./wasm-sgemm.js";

export type { Sgemm, SgemmArgs } from "./sgemm.js";
export { gemmFlops } from "./sgemm.js";
export { jsSgemm } from "./js-sgemm.js";
export { loadNativeSgemm } from "./native-sgemm.js";
export { createWasmSgemm } from "./wasm-sgemm.js";

export interface CpuKernelInfo {
  /** "openblas", "wasm-simd" or "js". */
  kernel: string;
  /** What it is, e.g. "OpenBLAS 0.3.21 … Haswell, 2 threads, libopenblas.so.0" or "4×8 tile, FMA". */
  detail: string;
  /** Why the kernels before it in the order were not used (empty when the first one was). */
  skipped: string[];
}

export interface Choice {
  sgemm: Sgemm;
  info: CpuKernelInfo;
}

const ORDER = ["openblas", "wasm-simd", "js"] as const;
type Kernel = (typeof ORDER)[number];

let chosen: Choice | undefined;

/** The process's CPU sgemm (chosen on first use). */
export function cpuSgemm(): Sgemm {
  chosen ??= chooseCpuSgemm();
  return chosen.sgemm;
}

/** Which CPU sgemm `cpuSgemm()` uses and why. */
export function cpuKernelInfo(): CpuKernelInfo {
  chosen ??= chooseCpuSgemm();
  return chosen.info;
}

/** Tries the kernels in order (or only the forced one) with the given environment. */
export function chooseCpuSgemm(env: NodeJS.ProcessEnv = process.env): Choice {
  const forced = env.TRIGSCOPE_CPU_KERNEL;
  if (forced && !ORDER.includes(forced as Kernel)) {
    throw new Error(`TRIGSCOPE_CPU_KERNEL=${forced}: expected one of ${ORDER.join(", ")}`);
  }
  const skipped: string[] = [];
  for (const kernel of forced ? [forced as Kernel] : ORDER) {
    const got = tryKernel(kernel, env);
    if ("sgemm" in got) return { sgemm: got.sgemm, info: { kernel, detail: got.detail, skipped } };
    if (forced) throw new Error(`TRIGSCOPE_CPU_KERNEL=${forced} is not available: ${got.reason}`);
    skipped.push(`${kernel}: ${got.reason}`);
  }
  throw new Error("unreachable: the js kernel always loads");
}

function tryKernel(
  kernel: Kernel,
  env: NodeJS.ProcessEnv,
): { sgemm: Sgemm; detail: string } | { reason: string } {
  if (kernel === "openblas") {
    const got = loadNativeSgemm(openblasPaths(env));
    if (!got.ok) return { reason: got.reason };
    const s = got.sgemm;
    return { sgemm: s, detail: `${s.config}, ${s.threads} threads, ${s.path}${coretypeNote(env)}` };
  }
  if (kernel === "wasm-simd") {
    try {
      const s = createWasmSgemm();
      return {
        sgemm: s,
        detail: `${s.tile.mr}×${s.tile.nr} tile, ${s.tile.fma ? "FMA (relaxed SIMD)" : "mul+add"}, ${s.threads} threads`,
      };
    } catch (err) {
      return { reason: err instanceof Error ? err.message : String(err) };
    }
  }
  return { sgemm: jsSgemm, detail: "plain JS loops" };
}

/** OPENBLAS_CORETYPE forces OpenBLAS's kernel choice (e.g. Haswell on a newer CPU, much slower). */
function coretypeNote(env: NodeJS.ProcessEnv): string {
  return env.OPENBLAS_CORETYPE ? `, OPENBLAS_CORETYPE=${env.OPENBLAS_CORETYPE} forced` : "";
}

/** One line for people: "openblas (…)" or "wasm-simd (…; openblas: why not)". */
export function describeCpuKernel(info: CpuKernelInfo = cpuKernelInfo()): string {
  return `${info.kernel} (${[info.detail, ...info.skipped].join("; ")})`;
}
