/**
 * `npm run bench:audit`: wall time of the default audit (what `npm start` runs: the zoo's
 * fruit-refusal organism, SAE-Attribution and supervised SAE-MELBO, steering success, probes) on
 * this machine's CPU cores, from a fresh output folder, with where the time goes.
 *
 *   npx tsx bench/audit.ts [--organism fruit-refusal] [--device wasm|webgpu] [--engine auto|jax|fast]
 *     [--runs 1] [--out DIR]
 * Writes DIR/audit-<device>.json (DIR: --out, else bench/results), with the engine of each stage.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { resolveAuditInputs } from "../src/audit/inputs.js";
import { zooOrganisms } from "../src/organisms/audit-zoo.js";
import { runAudit } from "../src/audit/pipeline.js";
import { initEngine } from "../src/engine/device.js";
import { ENGINE_CHOICES, type EngineChoice } from "../src/model/engine-select.js";
import { parseArgs } from "./setup.js";

const args = parseArgs(process.argv.slice(2), {
  organism: "fruit-refusal",
  device: "wasm",
  engine: "auto",
  runs: 1,
  out: "bench/results",
});

async function main() {
  const engine = args.engine as EngineChoice;
  if (!ENGINE_CHOICES.includes(engine))
    throw new Error(`--engine ${args.engine}: expected one of ${ENGINE_CHOICES.join(", ")}`);
  const t0 = performance.now();
  const device = await initEngine(args.device as "wasm" | "webgpu");
  const engineSeconds = (performance.now() - t0) / 1000;
  const runs: {
    total: number;
    timings: Record<string, number>;
    engines: Record<string, string>;
    verdict: string;
  }[] = [];
  for (let i = 0; i < args.runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), "trigscope-bench-audit-"));
    try {
      const ts = performance.now();
      const inputs = resolveAuditInputs({ organism: args.organism }, zooOrganisms());
      const resolveSeconds = (performance.now() - ts) / 1000;
      const report = await runAudit(inputs, { out: dir, fresh: true, engine });
      const total = (performance.now() - ts) / 1000;
      runs.push({
        total,
        timings: { inputs: resolveSeconds, ...report.timings },
        engines: report.engines ?? {},
        verdict: report.verdict.statement,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const last = runs[runs.length - 1]!;
  console.log(
    `default audit of ${args.organism} on ${device} (${cpus().length} cores, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")})`,
  );
  console.log(`engine start ${engineSeconds.toFixed(1)} s`);
  console.log(`| stage | seconds | engine |\n|---|---|---|`);
  for (const [k, v] of Object.entries(last.timings))
    console.log(`| ${k} | ${v.toFixed(1)} | ${last.engines[k] ?? ""} |`);
  console.log(
    `total per run: ${runs.map((r) => r.total.toFixed(1)).join(", ")} s; verdict: ${last.verdict}`,
  );
  mkdirSync(args.out, { recursive: true });
  const file = join(args.out, `audit-${device}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        organism: args.organism,
        device,
        engine,
        cpus: cpus().length,
        load: loadavg(),
        engineSeconds,
        runs,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`wrote ${file}`);
}

await main();
