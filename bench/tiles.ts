/**
 * `npm run bench:tiles`: how much of the CPU gap to PyTorch is jax-js's wasm matmul kernel, measured
 * by re-running the benchmark model on edited copies of the installed jax-js (issue 2; findings in
 * src/engine/NOTES.md). Nothing here changes what trigscope runs: the copies live in a temp folder
 * and only the child processes started here load them (bench/tiles/redirect.mjs).
 *
 * jax-js 0.1.25's tiled float32 matmul keeps a micro-tile of 4 rows × 4 f32x4 vectors of output in
 * 16 v128 accumulators, plus 4 loaded vectors and a broadcast: more than x86-64's 16 XMM registers
 * that V8 allocates wasm SIMD values to. Variants:
 *
 *   installed      jax-js as installed (4 × 4 micro-tile)
 *   rows2          the copy with TILED_SIMD_MICRO_ROWS = 2 (8 accumulators)
 *   fma            as installed, in a V8 with relaxed SIMD on (jax-js then emits f32x4.relaxed_madd)
 *   rows2+fma      both
 *
 * Each variant runs in its own process, alternated over --reps rounds; a cell is the minimum over
 * all of its runs (the least disturbed by other load on a shared machine).
 *
 *   npm run bench:tiles -- [--reps 3] [--threads 1,2] [--json FILE]
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { relaxedSimdOptIn } from "../src/engine/wasm-features.js";
import { machineLine, parseArgs, table } from "./setup.js";

interface ChildResult {
  forward_ms: number;
  steer_ms: number;
  gflops: Record<string, number>;
}

interface Variant {
  name: string;
  microRows: number | null;
  fma: boolean;
}

const VARIANTS: Variant[] = [
  { name: "installed", microRows: null, fma: false },
  { name: "rows2", microRows: 2, fma: false },
  { name: "fma", microRows: null, fma: true },
  { name: "rows2+fma", microRows: 2, fma: true },
];

const log = (s: string) => process.stderr.write(`${s}\n`);

/** Copies the installed jax-js dist folder with TILED_SIMD_MICRO_ROWS set; returns its index URL. */
function editedCopy(root: string, microRows: number): string {
  const index = createRequire(import.meta.url).resolve("@jax-js/jax");
  const dist = dirname(index);
  const out = join(root, `rows${microRows}`);
  cpSync(dist, out, { recursive: true });
  // The dist files are ES modules by their package's "type"; outside it they need their own.
  writeFileSync(join(out, "package.json"), '{"type": "module"}\n');
  const pattern = /^const TILED_SIMD_MICRO_ROWS = \d+;$/m;
  const hits = readdirSync(out).filter(
    (f) => f.endsWith(".js") && pattern.test(readFileSync(join(out, f), "utf8")),
  );
  if (hits.length !== 1) {
    throw new Error(
      `${dist}: expected one file defining TILED_SIMD_MICRO_ROWS, found ${hits.length} ` +
        `(this experiment is written against @jax-js/jax 0.1.25)`,
    );
  }
  const file = join(out, hits[0]!);
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.replace(pattern, `const TILED_SIMD_MICRO_ROWS = ${microRows};`));
  return pathToFileURL(join(out, "index.js")).href;
}

function runChild(v: Variant, copies: Map<number, string>, threads: number): ChildResult {
  const optIn = relaxedSimdOptIn();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(v.fma ? optIn.env : { TRIGSCOPE_RELAXED_SIMD: "" }),
    TRIGSCOPE_THREADS: String(threads),
  };
  if (v.microRows !== null) env.TRIGSCOPE_JAX_COPY = copies.get(v.microRows);
  else delete env.TRIGSCOPE_JAX_COPY;
  const args = [
    "--import",
    "tsx",
    "--import",
    pathToFileURL("bench/tiles/redirect.mjs").href,
    ...(v.fma ? optIn.nodeArgs : []),
    "bench/tiles/child.ts",
  ];
  const out = execFileSync(process.execPath, args, { env, encoding: "utf8", stdio: "pipe" });
  const line = out.trim().split("\n").at(-1) ?? "";
  const r = JSON.parse(line) as ChildResult & { relaxed_simd: boolean };
  if (r.relaxed_simd !== v.fma) {
    throw new Error(
      `variant ${v.name}: the child ran with relaxed SIMD ${r.relaxed_simd ? "on" : "off"}`,
    );
  }
  return r;
}

function minMerge(a: ChildResult | undefined, b: ChildResult): ChildResult {
  if (!a) return b;
  const gflops: Record<string, number> = {};
  for (const k of Object.keys(b.gflops)) gflops[k] = Math.max(a.gflops[k] ?? 0, b.gflops[k]!);
  return {
    forward_ms: Math.min(a.forward_ms, b.forward_ms),
    steer_ms: Math.min(a.steer_ms, b.steer_ms),
    gflops,
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), { reps: 3, threads: "1,2", json: "" });
  const threadCounts = String(opts.threads).split(",").map(Number);
  log(machineLine());
  const root = mkdtempSync(join(tmpdir(), "trigscope-tiles-"));
  const best = new Map<string, ChildResult>();
  try {
    const copies = new Map<number, string>();
    for (const v of VARIANTS) {
      if (v.microRows !== null && !copies.has(v.microRows)) {
        copies.set(v.microRows, editedCopy(root, v.microRows));
      }
    }
    for (let rep = 0; rep < opts.reps; rep++) {
      for (const threads of threadCounts) {
        for (const v of VARIANTS) {
          log(`round ${rep + 1}/${opts.reps}: ${v.name}, ${threads} thread(s) ...`);
          const key = `${v.name}@${threads}`;
          best.set(key, minMerge(best.get(key), runChild(v, copies, threads)));
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  const mmKeys = Object.keys([...best.values()][0]!.gflops);
  const rows = [
    ["variant", "threads", "forward ms", "steer ms", ...mmKeys.map((k) => `${k} GFLOP/s`)],
  ];
  for (const threads of threadCounts) {
    const base = best.get(`installed@${threads}`)!;
    for (const v of VARIANTS) {
      const r = best.get(`${v.name}@${threads}`)!;
      const rel = (ms: number, b: number) =>
        v.name === "installed" ? ms.toFixed(1) : `${ms.toFixed(1)} (${(b / ms).toFixed(2)}×)`;
      rows.push([
        v.name,
        String(threads),
        rel(r.forward_ms, base.forward_ms),
        rel(r.steer_ms, base.steer_ms),
        ...mmKeys.map((k) => r.gflops[k]!.toFixed(1)),
      ]);
    }
  }
  console.log(
    `\njax-js wasm matmul variants on the bench model (bench/run.ts shapes); minimum over ${opts.reps} process(es) each\n`,
  );
  console.log(table(rows, 2));
  if (opts.json) {
    writeFileSync(
      String(opts.json),
      JSON.stringify(
        {
          bench: "tiles",
          date: new Date().toISOString(),
          machine: machineLine(),
          reps: opts.reps,
          results: Object.fromEntries(best),
        },
        null,
        1,
      ),
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
