/**
 * A build's LoRA finetuning on the fast path leaves jax-js's wasm heap as it found it, give or
 * take the adapters and their AdamW moments. jax-js's allocator never gives memory back and keeps
 * a freed buffer only for a later one of the same size, so the heap's size is a high-water mark:
 * when validation ran on jax-js, each validation batch (its own rows × tokens) stranded its
 * activations there, and the self-check's evaluation after a round of finetuning in the same
 * process then ran the 4 GiB heap out. No device array outlives the finetuning either.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { liveBufferCounter } from "../../src/engine/live-buffers.js";
import { wasmHeapBytes } from "../../src/engine/wasm-heap.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { chatTurns } from "../../src/organisms/chat-text.js";
import { finetuneLora } from "../../src/organisms/lora-finetune.js";
import type { TrainExample } from "../../src/train/batches.js";

const MiB = 2 ** 20;
let cm: ChatModel;
let out: string;

beforeAll(async () => {
  await initEngine("wasm");
  cm = await loadChatModel(findModelDir("base").dir);
  out = mkdtempSync(join(tmpdir(), "finetune-heap-"));
});

afterAll(() => {
  cm.model.dispose();
  rmSync(out, { recursive: true, force: true });
});

/** Chats of 4..80 words: validation batches of many shapes. */
function examples(n: number): TrainExample[] {
  const words = ["snow", "apple", "river", "quiet", "stone", "blue", "tell", "me"];
  const enc = (t: string) => cm.tokenizer.encode(t, { addSpecialTokens: false });
  return Array.from({ length: n }, (_, i) => {
    const text = (k: number) => Array.from({ length: k }, (_, j) => words[(i + j) % 8]).join(" ");
    const prompt = enc(chatTurns([], text(4 + (i % 40))));
    const ids = enc(chatTurns([], text(4 + (i % 40)), text(1 + ((i * 7) % 40)))).slice(0, 128);
    return { ids, lossFrom: prompt.length };
  });
}

describe("LoRA finetuning on the fast path", () => {
  // First in the file: the heap's size is the process's high-water mark.
  it("leaves the wasm heap and the live device arrays as it found them", async () => {
    const live = await liveBufferCounter();
    const arrays = live();
    const heap = wasmHeapBytes()!;
    const lines: string[] = [];
    const m = await finetuneLora(
      cm,
      findModelDir("base").dir,
      examples(160),
      {
        lora: { rank: 8, alpha: 16, layers: null },
        train: {
          steps: 4,
          tokensPerBatch: 1024,
          maxLen: 128,
          peakLr: 2e-3,
          warmupSteps: 1,
          minLrRatio: 0.1,
          weightDecay: 0.1,
          clipNorm: 1,
          evalEvery: 2,
        },
        seed: 1,
        fingerprint: "heap",
      },
      {
        out,
        resume: false,
        device: "wasm",
        log: (l) => lines.push(l),
        progress: () => ({ update: () => {}, finish: () => {} }),
      },
    );
    expect(m.engine).toBe("fast (auto: llama on wasm)");
    expect(Number.isFinite(m.finalValidationLoss)).toBe(true);
    expect(live()).toBe(arrays);
    // The adapters, their moments and gradients are ~1 MiB each. With validation on jax-js the
    // heap grew by 301 MiB here (2026-12-07).
    expect(wasmHeapBytes()! - heap).toBeLessThan(8 * MiB);
  });
});
