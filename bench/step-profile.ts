/**
 * Per-kernel time of the default organism's forward and steering loss + gradient (the model part of
 * one supervised SAE-MELBO step), from jax-js's kernel trace (bench/profile.ts). Run at 1 thread,
 * where each trace entry is the kernel's real execution time:
 *
 *   TRIGSCOPE_THREADS=1 npx tsx bench/step-profile.ts [--top 12] [--organism fruit-refusal]
 * prints one JSON object (bench/step.ts starts it as a child process that way).
 */
import { initEngine } from "../src/engine/device.js";
import { OrthogonalBasis } from "../src/methods/orthogonal.js";
import { decodeCode } from "../src/sae/decoder-space.js";
import { profileOps } from "./profile.js";
import { parseArgs } from "./setup.js";
import { INIT_SCALE, initialZ, stepSetup } from "./step-setup.js";

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), { top: 12, organism: "fruit-refusal", seed: 1 });
  await initEngine("wasm");
  const { cm, dec, lb, layer } = await stepSetup(opts.organism, opts.seed);
  const z = initialZ(dec.dSae, opts.seed, INIT_SCALE);
  const vector = new OrthogonalBasis(dec.dModel).project(decodeCode(dec, z));
  const result = await profileOps(
    cm.model,
    { batch: lb.batch, responseMask: lb.responseMask, positionMask: lb.userMask, layer, vector },
    opts.top,
  );
  cm.model.dispose();
  process.stdout.write(
    `${JSON.stringify({ threads: navigator.hardwareConcurrency, ...result })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
