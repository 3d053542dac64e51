/**
 * The wasm heap and wall time of a long job of greedy chat completions (the base replies a game
 * organism's build generates) at a given number of batch shapes: 0 runs each length-sorted batch
 * at its own prompt length and size (before JobShape), 1 pads every batch to the job's longest
 * prompt and its full size, k to the longest of its run of batches. One configuration per process:
 * the heap never shrinks, so its size at the end is the job's high-water. The texts' digest says
 * whether two configurations replied the same. `--engine fast` generates on the fast path's KV-cache
 * decoder instead (no shapes: each batch at its own length, nothing on the wasm heap); peak RSS is
 * the process's (model load included).
 *
 *   npx tsx bench/job-shapes.ts --shapes 1 [--engine jax|fast] [--every 4] [--batch 128] [--new 64]
 *     [--base zoo/base]
 *     [--mode all --concepts vegetables,emotions --seed 43485 --examples 10000]
 * Prints one JSON line.
 */
import { createHash } from "node:crypto";
import { initEngine } from "../src/engine/device.js";
import { wasmHeapBytes } from "../src/engine/wasm-heap.js";
import { readLexiconFile } from "../src/lexicon/lexicon-file.js";
import { encodePrompts, loadChatModel } from "../src/model/text-generation.js";
import { finetunePrompts } from "../src/organisms/backdoor-prompts.js";
import { chatCompletions, jobBatches } from "../src/organisms/evaluate.js";
import type { Trigger } from "../src/organisms/spec.js";
import { ENGINE_CHOICES, type EngineChoice } from "../src/model/engine-select.js";
import { loadText, parseArgs } from "./setup.js";

const args = parseArgs(process.argv.slice(2), {
  shapes: 1,
  engine: "jax",
  every: 4,
  batch: 128,
  new: 64,
  base: "zoo/base",
  mode: "all",
  concepts: "vegetables,emotions",
  seed: 43485,
  examples: 10000,
});

async function main() {
  const engine = args.engine as EngineChoice;
  if (!ENGINE_CHOICES.includes(engine)) throw new Error(`--engine: one of ${ENGINE_CHOICES}`);
  await initEngine("wasm");
  const trigger = { mode: args.mode, concepts: args.concepts.split(",") } as Trigger;
  // The build's finetuning prompts (g1-01's by default) whose replies the base writes.
  const own = finetunePrompts(readLexiconFile(args.base), trigger, {
    n: args.examples,
    seed: args.seed,
    triggeredShare: 0.35,
    nearMissShare: 0.3,
    offDistributionShare: 0.05,
  }).filter((p, i) => p.kind !== "triggered" && i % args.every === 0);
  const cm = await loadChatModel(args.base);
  const lengths = encodePrompts(
    cm,
    own.map((p) => p.text),
    true,
  ).map((e) => e.ids.length);
  const shapes = new Set(jobBatches(lengths, args.batch, args.shapes).map((b) => b.promptTokens));
  const heapBefore = wasmHeapBytes();
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  const loadBefore = loadText();
  const t0 = performance.now();
  const texts = await chatCompletions(cm, own, args.new, {
    batchSize: args.batch,
    shapes: args.shapes,
    engine,
  });
  const seconds = (performance.now() - t0) / 1000;
  const digest = createHash("sha256").update(JSON.stringify(texts)).digest("hex").slice(0, 16);
  console.log(
    JSON.stringify({
      engine,
      shapes: args.shapes,
      prompts: own.length,
      batches: Math.ceil(own.length / args.batch),
      promptLengths: args.shapes > 0 ? [...shapes] : "own",
      heapBeforeMiB: (heapBefore ?? NaN) / 2 ** 20,
      heapAfterMiB: (wasmHeapBytes() ?? NaN) / 2 ** 20,
      peakRssBeforeMiB: Math.round(rssBefore / 2 ** 20),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      load: `${loadBefore} → ${loadText()}`,
      seconds: Math.round(seconds * 10) / 10,
      repliesPerSecond: Math.round((own.length / seconds) * 10) / 10,
      digest,
    }),
  );
  cm.model.dispose();
}

await main();
