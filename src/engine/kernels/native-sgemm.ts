/**
 * The native sgemm: the system's OpenBLAS (Debian `libopenblas0`) called through koffi, an FFI
 * library whose npm package carries its prebuilt binaries, so nothing is compiled at install.
 * koffi hands a Float32Array to C as a pointer to its own memory, so A, B and C are not copied;
 * an element offset becomes a `subarray` view (also no copy).
 *
 * Loading fails softly: any missing piece (koffi's binary for this platform, the library, the
 * symbol) comes back as a reason string, and the caller falls back to the wasm kernel.
 * TRIGSCOPE_OPENBLAS names the library file to load; TRIGSCOPE_OPENBLAS=none disables it.
 */
import { createRequire } from "node:module";
import { type Sgemm, type SgemmArgs, resolveGemm, scaleC } from "./sgemm.js";

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** Where the loader looks, in order, when TRIGSCOPE_OPENBLAS is not set. */
export const OPENBLAS_CANDIDATES = [
  "libopenblas.so.0",
  "libopenblas.so",
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
  "libopenblas.dylib",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
];

export interface NativeSgemm extends Sgemm {
  /** The file that was loaded. */
  readonly path: string;
  /** OpenBLAS's own description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64". */
  readonly config: string;
  readonly threads: number;
}

export type NativeLoad = { ok: true; sgemm: NativeSgemm } | { ok: false; reason: string };

type CblasSgemm = (...args: unknown[]) => void;
interface KoffiLike {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
}

/** The paths to try: TRIGSCOPE_OPENBLAS when set ("none" = none), else the usual sonames. */
export function openblasPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = env.TRIGSCOPE_OPENBLAS;
  if (chosen === undefined || chosen === "") return OPENBLAS_CANDIDATES;
  return chosen === "none" ? [] : [chosen];
}

/** Loads OpenBLAS from the first path that works, or says why none did. */
export function loadNativeSgemm(paths: string[] = openblasPaths()): NativeLoad {
  if (paths.length === 0) return { ok: false, reason: "disabled (TRIGSCOPE_OPENBLAS=none)" };
  let koffi: KoffiLike;
  try {
    koffi = createRequire(import.meta.url)("koffi") as KoffiLike;
  } catch (err) {
    return { ok: false, reason: `koffi did not load: ${firstLine(err)}` };
  }
  const failures: string[] = [];
  for (const path of paths) {
    try {
      return { ok: true, sgemm: bind(koffi, path) };
    } catch (err) {
      failures.push(`${path}: ${firstLine(err)}`);
    }
  }
  return { ok: false, reason: `no OpenBLAS could be loaded (${failures.join("; ")})` };
}

function bind(koffi: KoffiLike, path: string): NativeSgemm {
  const lib = koffi.load(path);
  const gemm = lib.func(
    "void cblas_sgemm(int order, int transA, int transB, int M, int N, int K, float alpha, " +
      "float *A, int lda, float *B, int ldb, float beta, _Inout_ float *C, int ldc)",
  ) as CblasSgemm;
  const config = optional(
    () => String(lib.func("const char *openblas_get_config()")()),
    "OpenBLAS",
  );
  const threads = optional(() => Number(lib.func("int openblas_get_num_threads()")()), 0);
  return {
    name: "openblas",
    path,
    config,
    threads,
    sgemm(args: SgemmArgs): void {
      const g = resolveGemm(args);
      if (g.m === 0 || g.n === 0) return;
      if (g.k === 0) return scaleC(g);
      gemm(
        ROW_MAJOR,
        g.transA ? TRANS : NO_TRANS,
        g.transB ? TRANS : NO_TRANS,
        g.m,
        g.n,
        g.k,
        g.alpha,
        view(g.a, g.offsetA),
        g.lda,
        view(g.b, g.offsetB),
        g.ldb,
        g.beta,
        view(g.c, g.offsetC),
        g.ldc,
      );
    },
  };
}

/** The array from `offset` on, without copying. */
function view(x: Float32Array, offset: number): Float32Array {
  return offset === 0 ? x : x.subarray(offset);
}

function optional<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split("\n")[0]!;
}
