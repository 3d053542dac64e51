/**
 * `npm run bench:generate`: generation on the fast path (KV cache, src/engine/fast/decode.ts)
 * against jax-js's generation, at the audit's settings: the zoo organism's held-out chat prompts
 * (the audit's prompt source), one batch of `--batch` prompts (the audit's steering success and
 * probes use 64), greedy, `--tokens` new tokens with the organism's EOS ids, unsteered and
 * steered at the SAE's layer on the user's positions (a random vector of norm `--norm`).
 *
 * Agreement first (identical token ids), then interleaved runs (one of each engine per round:
 * the machine is shared), medians and minima; the 1-minute load average before and after.
 *
 *   npm run bench:generate -- [--runs 5] [--warmup 1] [--batch 64] [--tokens 20] [--json FILE]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { resolveAuditInputs } from "../src/audit/inputs.js";
import { initEngine } from "../src/engine/device.js";
import { describeCpuKernel } from "../src/engine/kernels/index.js";
import { fastModelOf } from "../src/model/fast-adapter.js";
import { fastGenerate } from "../src/model/fast-generate.js";
import { jaxGenerate, type GenerateOptions, type Generation } from "../src/model/generate.js";
import { encodePrompts, loadChatModel } from "../src/model/text-generation.js";
import { zooOrganisms } from "../src/organisms/audit-zoo.js";
import { mulberry32 } from "../src/random/seeded.js";
import { loadText, machineInfo, machineLine, median, parseArgs, table } from "./setup.js";

const args = parseArgs(process.argv.slice(2), {
  runs: 5,
  warmup: 1,
  batch: 64,
  tokens: 20,
  norm: 8,
  organism: "fruit-refusal",
  json: "bench/results/fast-generate.json",
});
const log = (s: string) =>
  process.stderr.write(`[${(performance.now() / 1000).toFixed(1)}s] ${s}\n`);

/** Steering on the user's positions of each prompt, prompts left-padded to the longest. */
function userSteering(
  encoded: { ids: number[]; user: number[] | null }[],
  layer: number,
  d: number,
) {
  const u = mulberry32(7);
  const raw = Float32Array.from({ length: d }, () => u() - 0.5);
  const n = Math.hypot(...raw);
  const vector = raw.map((v) => (v * args.norm) / n);
  const t = Math.max(...encoded.map((e) => e.ids.length));
  const positionMask = new Float32Array(encoded.length * t);
  encoded.forEach((e, i) => {
    for (const p of e.user!) positionMask[i * t + t - e.ids.length + p] = 1;
  });
  return { layer, vector, positionMask };
}

type Gen = (prompts: number[][], o: GenerateOptions) => Promise<Generation>;

async function timed(engines: Record<string, Gen>, prompts: number[][], o: GenerateOptions) {
  const ms: Record<string, number[]> = { jax: [], fast: [] };
  for (let i = 0; i < args.warmup + args.runs; i++) {
    for (const [name, gen] of Object.entries(engines)) {
      const t0 = performance.now();
      await gen(prompts, o);
      if (i >= args.warmup) ms[name]!.push(performance.now() - t0);
    }
  }
  return ms;
}

const summary = (xs: number[]) => ({ median_ms: median(xs), min_ms: Math.min(...xs), runs_ms: xs });

async function main() {
  await initEngine("wasm");
  const loadBefore = loadText();
  log(machineLine(loadBefore));
  log(`fast kernel: ${describeCpuKernel()}`);
  const inputs = resolveAuditInputs(
    { organism: args.organism, heldOutPrompts: args.batch },
    zooOrganisms(),
  );
  const cm = await loadChatModel(inputs.model);
  const model = cm.model;
  await fastModelOf(model);
  const encoded = encodePrompts(cm, inputs.heldOutPrompts.slice(0, args.batch), true);
  const prompts = encoded.map((e) => e.ids);
  const base = {
    maxNewTokens: args.tokens,
    eosTokenIds: cm.eosTokenIds,
    padTokenId: cm.padTokenId,
  };
  const cases: [string, GenerateOptions][] = [
    ["unsteered", base],
    [
      "steered (user positions)",
      { ...base, steering: userSteering(encoded, inputs.layer, model.config.dModel) },
    ],
  ];
  const engines: Record<string, Gen> = {
    jax: (p, o) => jaxGenerate(model, p, o),
    fast: (p, o) => fastGenerate(model, p, o),
  };
  const results: Record<string, unknown> = {};
  const rows = [["case", "new tokens", "jax-js (ms)", "fast (ms)", "jax / fast", "fast tokens/s"]];
  for (const [name, o] of cases) {
    const [j, f] = [await jaxGenerate(model, prompts, o), await fastGenerate(model, prompts, o)];
    const same = JSON.stringify(j.ids) === JSON.stringify(f.ids);
    const tokens = f.ids.reduce((s, r) => s + r.length, 0);
    log(`${name}: ${tokens} new tokens; ids identical: ${same}`);
    const ms = await timed(engines, prompts, o);
    const [mj, mf] = [median(ms.jax!), median(ms.fast!)];
    rows.push([
      name,
      String(tokens),
      mj.toFixed(0),
      mf.toFixed(0),
      (mj / mf).toFixed(2),
      ((tokens / mf) * 1000).toFixed(0),
    ]);
    results[name] = { tokens, ids_identical: same, jax: summary(ms.jax!), fast: summary(ms.fast!) };
  }
  const loadAfter = loadText();
  const text = table(rows);
  console.log(`${machineLine(loadBefore)} (after: ${loadAfter})\n${text}`);
  const out = {
    bench: "fast-generate",
    date: new Date().toISOString(),
    machine: { ...machineInfo(), load_before: loadBefore, load_after: loadAfter },
    organism: args.organism,
    fast_kernel: describeCpuKernel(),
    batch: prompts.length,
    longest_prompt: Math.max(...prompts.map((p) => p.length)),
    max_new_tokens: args.tokens,
    steering_layer: inputs.layer,
    runs: args.runs,
    warmup: args.warmup,
    results,
    table: text,
  };
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(args.json, `${JSON.stringify(out, null, 1)}\n`);
  log(`wrote ${args.json}`);
  model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
