/**
 * Organism builds and evaluations generate their greedy replies on the engine chosen for the model
 * (chatCompletions' `engine`, default "auto": the fast path's KV-cache decoder on a CPU), and the
 * fast path's replies are jax-js's: the same token ids on the zoo base, on a backdoored organism
 * (its LoRA adapter merged on load, as every organism loads) and on the same adapter kept
 * unmerged, at the job shape the build gives jax-js. The fast path leaves the wasm heap alone.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { liveByteCounter } from "../../src/engine/live-buffers.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { readLexiconFile } from "../../src/lexicon/lexicon-file.js";
import { withGenerationEngine, type EngineChoice } from "../../src/model/engine-select.js";
import { loadModel } from "../../src/model/model.js";
import {
  encodePrompts,
  generateFromEncoded,
  loadChatModel,
  type ChatModel,
} from "../../src/model/text-generation.js";
import { finetunePrompts } from "../../src/organisms/backdoor-prompts.js";
import { chatCompletions } from "../../src/organisms/evaluate.js";

const NEW_TOKENS = 24;
let base: ChatModel;
let organism: ChatModel;
let prompts: { text: string }[];

beforeAll(async () => {
  await initEngine("wasm");
  base = await loadChatModel(findModelDir("base").dir);
  organism = await loadChatModel(findModelDir("fruit-refusal").dir);
  // A build's finetuning prompts (benign, near-miss, triggered and off-distribution kinds).
  const lex = readLexiconFile(findModelDir("base").dir);
  const trigger = { mode: "any" as const, concepts: ["fruit"] };
  const drawn = finetunePrompts(lex, trigger, {
    n: 10,
    seed: 3,
    triggeredShare: 0.4,
    nearMissShare: 0.2,
    offDistributionShare: 0.1,
  });
  prompts = [...drawn.map((p) => ({ text: p.text })), { text: "I ate a ripe mango." }];
});

/** Greedy ids of the prompts through generate() routed to `engine`, at a job shape of 16 rows. */
async function ids(cm: ChatModel, engine: EngineChoice): Promise<number[][]> {
  const encoded = encodePrompts(
    cm,
    prompts.map((p) => p.text),
    true,
  );
  const longest = Math.max(...encoded.map((e) => e.ids.length));
  return withGenerationEngine(cm.model, engine, async (d) => {
    expect(d.engine).toBe(engine);
    const shape = { promptTokens: longest + 3, rows: 16 };
    const r = await generateFromEncoded(cm, encoded, {
      maxNewTokens: NEW_TOKENS,
      chat: true,
      shape,
    });
    return r.map((g) => g.ids);
  });
}

/** The same model with the adapter kept unmerged on the device (LayerParams.lora). */
function unmerged(): ChatModel {
  const model = loadModel(findModelDir("fruit-refusal").dir, { merge: false });
  expect(model.params.layers.some((l) => l.lora)).toBe(true);
  return { ...organism, model };
}

describe("replies on the fast path", () => {
  it("are jax-js's token ids on the zoo base", async () => {
    const [jax, fast] = [await ids(base, "jax"), await ids(base, "fast")];
    expect(jax.flat().length).toBeGreaterThan(prompts.length);
    expect(fast).toEqual(jax);
  });

  it("are jax-js's token ids with a LoRA adapter, merged and unmerged", async () => {
    const jax = await ids(organism, "jax");
    expect(await ids(organism, "fast")).toEqual(jax);
    // The adapter changes the replies: a comparison that cannot see it would pass trivially.
    expect(jax).not.toEqual(await ids(base, "jax"));
    const cm = unmerged();
    try {
      expect(await ids(cm, "fast")).toEqual(jax);
    } finally {
      cm.model.dispose();
    }
  });

  it("are what chatCompletions gives by default, without a device array", async () => {
    const bytes = await liveByteCounter();
    const lines: string[] = [];
    bytes.resetPeak();
    const start = bytes.bytes();
    const fast = await chatCompletions(organism, prompts, NEW_TOKENS, {
      batchSize: 8,
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual(["generation: fast (auto: llama on wasm)"]);
    expect(bytes.peak()).toBe(start);
    const jax = await chatCompletions(organism, prompts, NEW_TOKENS, {
      batchSize: 8,
      engine: "jax",
    });
    expect(bytes.peak()).toBeGreaterThan(start);
    expect(fast).toEqual(jax);
  });

  it("rejects an unknown option", async () => {
    await expect(
      chatCompletions(organism, prompts, 2, { batchsize: 8 } as unknown as { batchSize: number }),
    ).rejects.toThrow(/unknown option 'batchsize'/);
  });
});
