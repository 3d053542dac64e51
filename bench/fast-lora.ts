/**
 * `npm run bench:lora`: the gradient part of one LoRA training step (loss and d loss / d adapters,
 * the trainer's lmLoss ∘ applyLora) on the fast path against jax-js's jitted valueAndGrad, on the
 * zoo's base model with the organisms' adapter shape (rank 8, alpha 16, layers 3–5, all seven
 * projections; random nonzero A and B) and a batch of `--batch` token sequences of `--len` tokens
 * drawn from the vocabulary. The optimiser update is not included (the fast path has none yet).
 * Agreement first (loss, max relative gradient difference), then interleaved runs, medians; the
 * load before and after.
 *
 *   npm run bench:lora -- [--runs 5] [--warmup 1] [--batch 16] [--len 64] [--json FILE]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { initEngine } from "../src/engine/device.js";
import { np, tree } from "../src/engine/jax.js";
import { describeCpuKernel } from "../src/engine/kernels/index.js";
import { jit, valueAndGrad } from "../src/engine/transforms.js";
import { fastLoraLossAndGrads, fastModelWithLora } from "../src/model/fast-lora.js";
import { batchInputs } from "../src/model/inputs.js";
import { applyLora, defaultLoraConfig, loraDims, type LoraParams } from "../src/model/lora.js";
import type { ModelParams } from "../src/model/params.js";
import { loadChatModel } from "../src/model/text-generation.js";
import { mulberry32 } from "../src/random/seeded.js";
import { trainBatch } from "../src/train/batches.js";
import { lmLoss, type LossBatch } from "../src/train/lm-loss.js";
import {
  loadText,
  machineInfo,
  machineLine,
  median,
  parseArgs,
  relMaxDiff,
  table,
} from "./setup.js";

const args = parseArgs(process.argv.slice(2), {
  runs: 5,
  warmup: 1,
  batch: 16,
  len: 64,
  json: "bench/results/fast-lora.json",
});
const log = (s: string) =>
  process.stderr.write(`[${(performance.now() / 1000).toFixed(1)}s] ${s}\n`);

async function main() {
  await initEngine("wasm");
  const loadBefore = loadText();
  log(machineLine(loadBefore));
  const cm = await loadChatModel("base");
  const model = cm.model;
  const cfg = model.config;
  const loraCfg = defaultLoraConfig(cfg.nLayers, { rank: 8, alpha: 16 });
  const u = mulberry32(5);
  const lora: LoraParams = { layers: {} };
  for (const l of loraCfg.layers) {
    lora.layers[String(l)] = {};
    for (const t of loraCfg.targets) {
      const { in: n, out } = loraDims(cfg, t);
      const r = loraCfg.rank;
      const rnd = (k: number, s: number) => Float32Array.from({ length: k }, () => (u() - 0.5) * s);
      lora.layers[String(l)]![t] = {
        a: np.array(rnd(n * r, 0.2)).reshape([n, r]),
        b: np.array(rnd(r * out, 0.02)).reshape([r, out]),
      };
    }
  }
  const examples = Array.from({ length: args.batch }, () => ({
    ids: Array.from({ length: args.len }, () => Math.floor(u() * cfg.vocabSize)),
  }));
  const tb = trainBatch(
    examples,
    examples.map((_, i) => i),
    args.len,
    cm.padTokenId,
  );
  const { batch: b, seqLen: t } = tb.batch;
  const lossBatch = (): LossBatch => ({
    inputs: batchInputs(cfg, model.invFreq, tb.batch),
    targets: np.array(tb.targets, { dtype: np.int32 }).reshape([b, t]),
    weights: np.array(tb.weights).reshape([b, t]),
  });
  const vg = valueAndGrad(
    (l: LoraParams, f: ModelParams, lb: LossBatch) =>
      lmLoss(cfg, applyLora(f, tree.ref(l), loraCfg), lb),
    { argnums: 0 },
  );
  const step = jit((l: LoraParams, f: ModelParams, lb: LossBatch) => vg(l, f, lb));
  const jaxStep = async () => {
    const [loss, g] = step(tree.ref(lora), tree.ref(model.params), lossBatch());
    const out = { loss: (await loss.data())[0]!, g };
    return out;
  };
  const fm = await fastModelWithLora(model, lora, loraCfg);
  const fastStep = () => fastLoraLossAndGrads(model, fm, tb);
  const j = await jaxStep();
  const f = fastStep();
  let worst = 0;
  for (const [l, mats] of Object.entries(j.g.layers)) {
    for (const [tg, m] of Object.entries(mats)) {
      const got = f.grads[l]![tg as "q"]!;
      worst = Math.max(worst, relMaxDiff(got.a, (await m.a.ref.data()) as Float32Array));
      worst = Math.max(worst, relMaxDiff(got.b, (await m.b.ref.data()) as Float32Array));
    }
  }
  tree.dispose(j.g);
  const agreement = { loss_abs_diff: Math.abs(f.loss - j.loss), grad_rel_max_diff: worst };
  log(`agreement: ${JSON.stringify(agreement)}`);
  const ms = { jax: [] as number[], fast: [] as number[] };
  for (let i = 0; i < args.warmup + args.runs; i++) {
    let t0 = performance.now();
    const r = await jaxStep();
    tree.dispose(r.g);
    if (i >= args.warmup) ms.jax.push(performance.now() - t0);
    t0 = performance.now();
    fastStep();
    if (i >= args.warmup) ms.fast.push(performance.now() - t0);
  }
  const loadAfter = loadText();
  const [mj, mf] = [median(ms.jax), median(ms.fast)];
  const tokens = tb.tokens;
  const text = table([
    ["", "jax-js wasm (ms)", "fast (ms)", "jax / fast", "fast tokens/s"],
    [
      "LoRA loss + grads",
      mj.toFixed(0),
      mf.toFixed(0),
      (mj / mf).toFixed(2),
      ((tokens / mf) * 1000).toFixed(0),
    ],
  ]);
  console.log(`${machineLine(loadBefore)} (after: ${loadAfter})\n${text}`);
  const out = {
    bench: "fast-lora",
    date: new Date().toISOString(),
    machine: { ...machineInfo(), load_before: loadBefore, load_after: loadAfter },
    fast_kernel: describeCpuKernel(),
    lora: loraCfg,
    batch: { sequences: b, seq_len: t, tokens },
    agreement,
    jax: { median_ms: mj, runs_ms: ms.jax },
    fast: { median_ms: mf, runs_ms: ms.fast },
    table: text,
  };
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(args.json, `${JSON.stringify(out, null, 1)}\n`);
  log(`wrote ${args.json}`);
  tree.dispose(lora);
  model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
