/**
 * The real-size check, run on the GPU machine after make_checkpoint.py: streams the checkpoint to
 * the device (progress in bytes/s with ETA), then compares with transformers' reference.json — the
 * prompt logits (the first 64 ids and each row's top 8 at every real position) and the greedy
 * continuation (ids and log-probs, up to the first step whose reference margin is below the
 * difference measured in the logits) — and prints one JSON line with the timings and differences.
 *
 *   node check.mjs MODEL_DIR [--device webgpu|wasm]
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { initEngine } from "../../src/engine/device.js";
import { generate } from "../../src/model/generate.js";
import { leftPad } from "../../src/model/inputs.js";
import { loadModel } from "../../src/model/model.js";
import { runWithCache } from "../../src/model/run.js";
import { createProgress } from "../../src/progress/progress.js";

interface Reference {
  arch: string;
  prompt_ids: number[][];
  pad_token_id: number;
  generated_ids: number[][];
  generated_logprobs: number[][];
  step_margins: number[][];
  logits_first_ids: number[][][];
  logits_top8: { ids: number[]; values: number[] }[][];
  attention_mask: number[][];
  /** Per layer but the last: hook_resid_post's first dimensions and norm at each position. */
  resid_post_first?: number[][][][];
  resid_post_norm?: number[][][];
}

/** float64_reference.py's output: the same slices computed in float64 on the CPU. */
interface Float64Reference {
  logits_first_ids: number[][][];
  logits_at_top8_ids: number[][][];
  resid_post_first: number[][][][];
  resid_post_norm: number[][][];
  transformers_f32_vs_f64: Record<string, unknown>;
}

const dir = process.argv[2]!;
const device = process.argv.includes("wasm") ? "wasm" : "webgpu";
const ref = JSON.parse(readFileSync(join(dir, "reference.json"), "utf8")) as Reference;
const f64Path = join(dir, "reference-f64.json");
const ref64 = existsSync(f64Path)
  ? (JSON.parse(readFileSync(f64Path, "utf8")) as Float64Reference)
  : undefined;
const seconds = (t0: number) => (performance.now() - t0) / 1000;

await initEngine(device);
const bar = createProgress({
  label: `loading ${ref.arch}`,
  write: (t) => process.stderr.write(t),
  isTTY: false,
});
let t0 = performance.now();
const model = loadModel(dir, {
  onProgress: (done, total) =>
    bar.update(Math.round(done / 2 ** 20), Math.round(total / 2 ** 20), "MiB"),
});
bar.finish();
const loadS = seconds(t0);

const batch = leftPad(ref.prompt_ids, ref.pad_token_id);
t0 = performance.now();
const residLayers = ref.resid_post_first?.length ?? 0;
const capture = Array.from({ length: residLayers }, (_, l) => `blocks.${l}.hook_resid_post`);
const r = await runWithCache(model, batch, { capture });
const forwardS = seconds(t0);
const logits = r.logits!.data;
const v = model.config.vocabSize;
const t = batch.seqLen;
/** Max |Δ| of our logits against a reference's first-64 ids and its values at reference.json's top 8. */
function logitDiffs(first64: number[][][], top8Values: (b: number, pos: number) => number[]) {
  let first = 0;
  let top8 = 0;
  first64.forEach((row, b) =>
    row.forEach((xs, pos) => {
      if (ref.attention_mask[b]![pos] !== 1) return;
      const at = (b * t + pos) * v;
      xs.forEach((x, i) => (first = Math.max(first, Math.abs(logits[at + i]! - x))));
      const ids = ref.logits_top8[b]![pos]!.ids;
      top8Values(b, pos).forEach((x, k) => {
        top8 = Math.max(top8, Math.abs(logits[at + ids[k]!]! - x));
      });
    }),
  );
  return { first, top8 };
}
const vsF32 = logitDiffs(ref.logits_first_ids, (b, pos) => ref.logits_top8[b]![pos]!.values);
let top8Agree = 0;
let rowsCompared = 0;
ref.logits_top8.forEach((row, b) =>
  row.forEach((top, pos) => {
    if (ref.attention_mask[b]![pos] !== 1) return;
    const at = (b * t + pos) * v;
    const ours = Array.from(logits.subarray(at, at + v))
      .map((x, i) => [x, i] as const)
      .sort((p, q) => q[0] - p[0])
      .slice(0, 8)
      .map(([, i]) => i);
    if (ours.join() === top.ids.join()) top8Agree++;
    rowsCompared++;
  }),
);

/**
 * Per layer: the largest |Δ| over the stored dimensions divided by that position's norm (so a
 * growing error reads as relative to the stream's size), over the real positions.
 */
function residRelDiff(first: number[][][][], norms: number[][][]) {
  return capture.map((name, l) => {
    const h = r.cache[name]!.data;
    const d = model.config.dModel;
    let worst = 0;
    first[l]!.forEach((row, b) =>
      row.forEach((xs, pos) => {
        if (ref.attention_mask[b]![pos] !== 1) return;
        const norm = norms[l]![b]![pos]!;
        xs.forEach((x, i) => {
          worst = Math.max(worst, Math.abs(h[(b * t + pos) * d + i]! - x) / norm);
        });
      }),
    );
    return +worst.toExponential(2);
  });
}
const residVsF32 = residLayers ? residRelDiff(ref.resid_post_first!, ref.resid_post_norm!) : [];
const vsF64 = ref64 && {
  ...logitDiffs(ref64.logits_first_ids, (b, pos) => ref64.logits_at_top8_ids[b]![pos]!),
  resid: residLayers ? residRelDiff(ref64.resid_post_first, ref64.resid_post_norm) : [],
};

t0 = performance.now();
const n = ref.generated_ids[0]!.length;
const g = await generate(model, ref.prompt_ids, {
  maxNewTokens: n,
  eosTokenIds: [],
  padTokenId: ref.pad_token_id,
});
const generateS = seconds(t0);
let stepsCompared = 0;
let maxLogprobDiff = 0;
let idsEqual = true;
ref.generated_ids.forEach((row, b) => {
  for (let s = 0; s < row.length; s++) {
    if (g.ids[b]![s] !== row[s]) {
      idsEqual = false;
      break;
    }
    stepsCompared++;
    maxLogprobDiff = Math.max(
      maxLogprobDiff,
      Math.abs(g.logprobs[b]![s]! - ref.generated_logprobs[b]![s]!),
    );
    // Past a step whose top-2 margin is within the logits' error, the continuations may part.
    if (ref.step_margins[b]![s]! < 2 * vsF32.top8) break;
  }
});
model.dispose();
console.log(
  JSON.stringify({
    arch: ref.arch,
    device,
    load_s: +loadS.toFixed(1),
    forward_s: +forwardS.toFixed(2),
    forward_tokens: batch.batch * t,
    generate_s: +generateS.toFixed(2),
    generated_tokens: n * batch.batch,
    max_abs_logit_diff_first64: vsF32.first,
    max_abs_logit_diff_top8: vsF32.top8,
    top8_order_equal: `${top8Agree}/${rowsCompared}`,
    greedy_steps_compared: stepsCompared,
    greedy_ids_equal: idsEqual,
    max_logprob_diff: maxLogprobDiff,
    resid_post_rel_diff_by_layer: residVsF32,
    ...(vsF64 && {
      vs_float64: {
        max_abs_logit_diff_first64: vsF64.first,
        max_abs_logit_diff_top8: vsF64.top8,
        resid_post_rel_diff_by_layer: vsF64.resid,
      },
      transformers_f32_vs_f64: ref64!.transformers_f32_vs_f64,
    }),
  }),
);
