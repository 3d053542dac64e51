/**
 * `npm run bench:weight-diff`: how long weight-diff takes on each backdoored zoo adapter, split
 * into its two parts (the SVDs of every adapted matrix with the latent scores; the benign prompts'
 * forward pass at the SAE layer), the minimum of `--repeats` runs in one process after a warm-up
 * run (the first forward compiles). The model load is not counted. No gradient is taken.
 *
 *   npx tsx bench/weight-diff.ts [--organisms a,b] [--repeats 3] [--out DIR]
 * Writes DIR/weight-diff-wasm.json (DIR: --out, else bench/results).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { resolveAuditInputs } from "../src/audit/inputs.js";
import { METHODS } from "../src/methods/registry/index.js";
import { runWeightDiff } from "../src/methods/registry/weight-diff-run.js";
import { zooOrganisms } from "../src/organisms/audit-zoo.js";
import { initEngine } from "../src/engine/device.js";
import { modelEngine } from "../src/model/engine-select.js";
import { loadChatModel } from "../src/model/text-generation.js";
import { readZooManifest } from "../src/io/zoo-manifest.js";
import { unitDecoderRows } from "../src/sae/fold.js";
import { parseArgs } from "./setup.js";

const args = parseArgs(process.argv.slice(2), {
  organisms: "",
  repeats: 3,
  out: "bench/results",
});

async function main() {
  const device = await initEngine("wasm");
  const names = args.organisms
    ? args.organisms.split(",")
    : readZooManifest()
        .organisms.filter((o) => o.kind === "backdoor" && o.trigger)
        .map((o) => o.name);
  const results: unknown[] = [];
  for (const name of names) {
    const inputs = resolveAuditInputs({ organism: name, methods: ["weight-diff"] }, zooOrganisms());
    const cm = await loadChatModel(inputs.modelDir);
    try {
      const { dSae, dIn } = inputs.sae.config;
      const ctx = {
        model: cm.model,
        engine: modelEngine(cm.model, "jax"),
        tokenizer: cm.tokenizer,
        padId: cm.padTokenId,
        decoder: { rows: unitDecoderRows(inputs.sae), dSae, dModel: dIn },
        prompts: inputs.trainPrompts,
        response: inputs.response,
        layer: inputs.layer,
        seed: inputs.seed,
      };
      await runWeightDiff(ctx, METHODS["weight-diff"].defaults);
      const runs: { directions: number; prompts: number }[] = [];
      for (let i = 0; i < args.repeats; i++) {
        const r = await runWeightDiff(ctx, METHODS["weight-diff"].defaults);
        runs.push(r.seconds);
      }
      const min = (k: "directions" | "prompts") => Math.min(...runs.map((r) => r[k]));
      const row = { organism: name, directions: min("directions"), prompts: min("prompts"), runs };
      console.log(
        `${name}: SVDs + latent scores ${row.directions.toFixed(3)} s, benign prompts ${row.prompts.toFixed(3)} s (min of ${args.repeats})`,
      );
      results.push(row);
    } finally {
      cm.model.dispose();
    }
  }
  mkdirSync(args.out, { recursive: true });
  const file = join(args.out, `weight-diff-${device}.json`);
  writeFileSync(
    file,
    JSON.stringify({ device, cpus: cpus().length, load: loadavg(), results }, null, 2) + "\n",
  );
  console.log(`wrote ${file}`);
}

await main();
