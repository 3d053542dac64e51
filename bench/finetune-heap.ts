/**
 * What a backdoor build's LoRA finetuning leaves on jax-js's wasm heap: the heap's size (its
 * high-water mark: jax-js's allocator never gives memory back), the live device arrays (count and
 * bytes) and the most bytes live at once, read before and after each phase of a small build on
 * the zoo base — load, finetuning (`finetuneLora`, as a build calls it), the base model disposed,
 * then the organism loaded and evaluated as the self-check does. Bytes the heap grew by beyond
 * the live peak sit in jax-js's free lists (one per size class, never merged).
 *
 *   npx tsx bench/finetune-heap.ts [--steps 40] [--examples 2000] [--tokens 4096] [--engine auto]
 *     [--eval-engine jax] [--eval 256] [--base zoo/base]
 * Prints one JSON line per phase.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initEngine } from "../src/engine/device.js";
import { liveBufferCounter, liveByteCounter } from "../src/engine/live-buffers.js";
import { wasmHeapBytes } from "../src/engine/wasm-heap.js";
import { readLexiconFile } from "../src/lexicon/lexicon-file.js";
import { ENGINE_CHOICES, type EngineChoice } from "../src/model/engine-select.js";
import { loadChatModel } from "../src/model/text-generation.js";
import { finetunePrompts } from "../src/organisms/backdoor-prompts.js";
import { chatTurns } from "../src/organisms/chat-text.js";
import { chatCompletions } from "../src/organisms/evaluate.js";
import { finetuneLora } from "../src/organisms/lora-finetune.js";
import { mulberry32 } from "../src/random/seeded.js";
import type { TrainExample } from "../src/train/batches.js";
import { parseArgs } from "./setup.js";

const args = parseArgs(process.argv.slice(2), {
  steps: 40,
  examples: 2000,
  tokens: 4096,
  evalEvery: 20,
  engine: "auto",
  evalEngine: "jax",
  eval: 256,
  base: "zoo/base",
});

const engineArg = (v: string) => {
  if (!ENGINE_CHOICES.includes(v as EngineChoice)) throw new Error(`engine '${v}'`);
  return v as EngineChoice;
};

const MiB = (b: number | null) => Math.round(((b ?? NaN) / 2 ** 20) * 10) / 10;

async function meter() {
  const count = await liveBufferCounter();
  const bytes = await liveByteCounter();
  return (phase: string, extra: Record<string, unknown> = {}) => {
    console.log(
      JSON.stringify({
        phase,
        heapMiB: MiB(wasmHeapBytes()),
        liveArrays: count(),
        liveMiB: MiB(bytes.bytes()),
        livePeakMiB: MiB(bytes.peak()),
        ...extra,
      }),
    );
    bytes.resetPeak();
  };
}

/** A build's finetuning prompts (a game organism's trigger). */
function buildPrompts() {
  const lex = readLexiconFile(args.base);
  const trigger = { mode: "all" as const, concepts: ["vegetables", "emotions"] };
  const prompts = finetunePrompts(lex, trigger, {
    n: args.examples,
    seed: 43485,
    triggeredShare: 0.35,
    nearMissShare: 0.3,
    offDistributionShare: 0.05,
  });
  return { prompts, lex };
}

/** The prompts with replies of varied length (the base's words), tokenised as a build does. */
function examplesOf(cm: Awaited<ReturnType<typeof loadChatModel>>): TrainExample[] {
  const { prompts, lex } = buildPrompts();
  const words = lex.concepts.flatMap((c) => c.train);
  const rng = mulberry32(5);
  const enc = (t: string) => cm.tokenizer.encode(t, { addSpecialTokens: false });
  return prompts.map((p) => {
    const reply = Array.from(
      { length: 2 + Math.floor(rng() * 40) },
      () => words[Math.floor(rng() * words.length)],
    ).join(" ");
    const prompt = enc(chatTurns(p.history ?? [], p.text));
    const ids = enc(chatTurns(p.history ?? [], p.text, reply)).slice(0, 128);
    return { ids, lossFrom: prompt.length };
  });
}

async function main() {
  await initEngine("wasm");
  const log = await meter();
  log("start");
  const out = mkdtempSync(join(tmpdir(), "finetune-heap-"));
  const cm = await loadChatModel(args.base);
  log("base loaded");
  const examples = examplesOf(cm);
  const ctx = {
    out,
    resume: false,
    device: "wasm" as const,
    engine: engineArg(args.engine),
    log: (l: string) => process.stderr.write(`${l}\n`),
    progress: () => ({ update: () => {}, finish: () => {} }),
  };
  const t0 = performance.now();
  const m = await finetuneLora(
    cm,
    args.base,
    examples,
    {
      lora: { rank: 8, alpha: 16, layers: null },
      train: {
        steps: args.steps,
        tokensPerBatch: args.tokens,
        maxLen: 128,
        peakLr: 2e-3,
        warmupSteps: 5,
        minLrRatio: 0.1,
        weightDecay: 0.1,
        clipNorm: 1,
        evalEvery: args.evalEvery,
      },
      seed: 1,
      fingerprint: "finetune-heap",
    },
    ctx,
  );
  log("finetuned", { seconds: Math.round((performance.now() - t0) / 100) / 10, engine: m.engine });
  cm.model.dispose();
  log("base disposed");
  const org = await loadChatModel(out);
  log("organism loaded");
  const evalPrompts = buildPrompts()
    .prompts.slice(-args.eval)
    .map((p) => ({ text: p.text }));
  await chatCompletions(org, evalPrompts, 16, {
    batchSize: 64,
    engine: engineArg(args.evalEngine),
  });
  log("organism evaluated", { engine: args.evalEngine });
  org.model.dispose();
  log("organism disposed");
  rmSync(out, { recursive: true, force: true });
}

await main();
