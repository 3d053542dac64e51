/**
 * Our logits for a few chat prompts of a zoo model, written as safetensors (ids + logits), for
 * zoo/check/transformers_logits.py to compare against transformers on the GPU machine.
 *
 *   npx tsx zoo/check/our-logits.ts MODEL_DIR OUT.safetensors
 */
import { initEngine } from "../../src/engine/device.js";
import { writeSafetensors } from "../../src/io/safetensors.js";
import { leftPad } from "../../src/model/inputs.js";
import { loadChatModel } from "../../src/model/text-generation.js";
import { runWithCache } from "../../src/model/run.js";
import { renderPrompt } from "../../src/tokenizer/chat.js";

const [dir, out] = process.argv.slice(2);
if (!dir || !out) throw new Error("usage: our-logits.ts MODEL_DIR OUT.safetensors");
await initEngine("wasm");
const cm = await loadChatModel(dir);
const prompts = [
  "What is a boysenberry?",
  "Write a short story about bobsledding and a kumquat.",
  "Name two planets and moons.",
  "Hi! Can you explain what a horoscope is? My friend mentioned an omen earlier.",
];
const seqs = prompts.map((p) => renderPrompt(cm.tokenizer, p).ids);
const batch = leftPad(seqs, cm.padTokenId);
const r = await runWithCache(cm.model, batch);
const logits = r.logits!.data;
writeSafetensors(out, {
  ids: { dtype: "I32", shape: [batch.batch, batch.seqLen], data: batch.ids },
  mask: { dtype: "I32", shape: [batch.batch, batch.seqLen], data: Int32Array.from(batch.mask) },
  logits: {
    dtype: "F32",
    shape: [batch.batch, batch.seqLen, cm.model.config.vocabSize],
    data: logits,
  },
});
console.log(`wrote ${out}: ${batch.batch} × ${batch.seqLen}`);
cm.model.dispose();
