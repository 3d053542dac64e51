/**
 * LoRA end to end on the fast path: adapters on all seven projections (q, k, v, o, gate, up,
 * down, as the zoo's adapters use them) in the forward, the steering gradient and generation with
 * unmerged adapters, and the LoRA training gradients (src/engine/fast/lm-loss.ts):
 * - float64, a tiny model: d loss / d a and d b of every adapter against central differences
 *   (≤ 1e-6 relative to the largest gradient);
 * - float32, the reference fixtures' llama/qwen2/qwen3: the loss within 1e-5 and every adapter's
 *   gradient within rtol 1e-3 (max |diff| / max |grad|) of jax-js's valueAndGrad of the trainer's
 *   objective (lmLoss ∘ applyLora), and the validation loss alone within 1e-5; logits with
 *   unmerged adapters within 1e-4 of jax-js's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { tree } from "../../../src/engine/jax.js";
import { FAST_LORA_TARGETS, type FastLoraSet } from "../../../src/engine/fast/lora.js";
import { lmLossAndLoraGrads, type LmTargets } from "../../../src/engine/fast/lm-loss.js";
import type { FastModel } from "../../../src/engine/fast/model.js";
import { float64Numerics } from "../../../src/engine/fast/numerics.js";
import { valueAndGrad } from "../../../src/engine/transforms.js";
import { fastRunLogits } from "../../../src/model/fast-adapter.js";
import {
  fastLoraLoss,
  fastLoraLossAndGrads,
  fastModelWithLora,
} from "../../../src/model/fast-lora.js";
import { batchInputs } from "../../../src/model/inputs.js";
import { applyLora, type LoraConfig, type LoraParams } from "../../../src/model/lora.js";
import { loadModel, type Model } from "../../../src/model/model.js";
import { runWithCache } from "../../../src/model/run.js";
import { trainBatch } from "../../../src/train/batches.js";
import { lmLoss } from "../../../src/train/lm-loss.js";
import { np } from "../../../src/engine/jax.js";
import { expectClose } from "../../model/compare.js";
import { loadFixture } from "../../model/fixture.js";
import { expectGradClose, numericVjp, randomArray } from "./gradcheck.js";
import { allLayersLoraConfig, loraExamples, randomLora } from "./random-lora.js";
import { tinyBatch, tinyFastModel } from "./tiny.js";

/** The tiny model with rank-2 adapters (scale 1.5) on every projection of layers 1 and 2. */
function tinyWithLora(arch: "llama" | "qwen2" | "qwen3"): FastModel {
  const m = tinyFastModel(arch);
  const c = m.config;
  const dims = {
    q: [c.dModel, c.nHeads * c.dHead],
    k: [c.dModel, c.nKvHeads * c.dHead],
    v: [c.dModel, c.nKvHeads * c.dHead],
    o: [c.nHeads * c.dHead, c.dModel],
    gate: [c.dModel, c.dMlp],
    up: [c.dModel, c.dMlp],
    down: [c.dMlp, c.dModel],
  } as const;
  const layers = m.weights.layers.map((w, l) => {
    if (l === 0) return w;
    const lora: FastLoraSet = {};
    FAST_LORA_TARGETS.forEach((t, i) => {
      const [n, out] = dims[t];
      const seed = 1000 * l + 10 * i;
      lora[t] = {
        a: randomArray(n * 2, seed, 0.5),
        b: randomArray(2 * out, seed + 1, 0.5),
        rank: 2,
        scale: 1.5,
      };
    });
    return { ...w, lora };
  });
  return { config: c, weights: { ...m.weights, layers } };
}

function tinyTargets(m: FastModel): LmTargets {
  const bb = tinyBatch(m.config);
  const n = bb.b * bb.t;
  const weights = Float32Array.from({ length: n }, (_, i) =>
    bb.keyMask[i] && i % 5 !== 4 ? 0.125 : 0,
  );
  const targets = Int32Array.from({ length: n }, (_, i) => (i * 3 + 1) % m.config.vocabSize);
  return { targets, weights };
}

describe("fast LoRA gradients, float64", () => {
  it.each(["llama", "qwen2", "qwen3"] as const)(
    "%s: d loss / d a, d b of every adapter equal central differences",
    (arch) => {
      const nm = float64Numerics;
      const m = tinyWithLora(arch);
      const bb = tinyBatch(m.config);
      const tg = tinyTargets(m);
      const got = lmLossAndLoraGrads(nm, m, bb, tg);
      const loss = () => [lmLossAndLoraGrads(nm, m, bb, tg).loss];
      for (const l of [1, 2]) {
        for (const t of FAST_LORA_TARGETS) {
          const ad = m.weights.layers[l]!.lora![t]!;
          const g = got.grads.get(l)![t]!;
          const a = ad.a as Float64Array;
          const b = ad.b as Float64Array;
          expectGradClose(
            `${l}.${t}.a`,
            g.da,
            numericVjp(() => loss(), a, [1]),
            1e-6,
          );
          expectGradClose(
            `${l}.${t}.b`,
            g.db,
            numericVjp(() => loss(), b, [1]),
            1e-6,
          );
        }
      }
    },
  );
});

beforeAll(async () => {
  await initEngine("wasm");
});

describe.each(["llama", "qwen2", "qwen3"])("fast LoRA against jax-js, fixture %s", (arch) => {
  let model: Model;
  let loraCfg: LoraConfig;
  let lora: LoraParams;
  beforeAll(() => {
    model = loadModel(loadFixture(arch).dir);
    loraCfg = allLayersLoraConfig(model.config.nLayers);
    lora = randomLora(model, loraCfg, 11);
  });
  afterAll(() => {
    tree.dispose(lora);
    model.dispose();
  });

  const v = () => model.config.vocabSize;
  const examples = () => loraExamples(v());

  it("gives jax-js's loss and adapter gradients (lmLoss ∘ applyLora)", async () => {
    const tb = trainBatch(examples(), [0, 1, 2], 8, 0);
    const fm = await fastModelWithLora(model, lora, loraCfg);
    const fast = fastLoraLossAndGrads(model, fm, tb);
    const { batch: b, seqLen: t } = tb.batch;
    const lossOf = (l: LoraParams) =>
      lmLoss(model.config, applyLora(tree.ref(model.params), tree.ref(l), loraCfg), {
        inputs: batchInputs(model.config, model.invFreq, tb.batch),
        targets: np.array(tb.targets, { dtype: np.int32 }).reshape([b, t]),
        weights: np.array(tb.weights).reshape([b, t]),
      });
    const [lossJ, gJ] = valueAndGrad(lossOf)(tree.ref(lora));
    const jaxLoss = (await lossJ.data())[0]!;
    expectClose("loss", [fast.loss], [jaxLoss], { atol: 1e-5 });
    // The validation loss (no backward pass) is the same loss.
    expectClose("loss alone", [fastLoraLoss(model, fm, tb)], [jaxLoss], { atol: 1e-5 });
    let worst = 0;
    for (const l of loraCfg.layers) {
      for (const tg of loraCfg.targets) {
        const want = gJ.layers[String(l)]![tg]!;
        const got = fast.grads[String(l)]![tg]!;
        for (const [name, g, w] of [
          ["a", got.a, want.a],
          ["b", got.b, want.b],
        ] as const) {
          const wd = (await w.data()) as Float32Array;
          worst = Math.max(worst, expectGradClose(`${l}.${tg}.${name}`, g, wd, 1e-3));
        }
      }
    }
    console.log(
      `${arch}: |loss diff| ${Math.abs(fast.loss - jaxLoss).toExponential(2)}; adapter grads max rel ${worst.toExponential(2)}`,
    );
  });

  it("runs the forward with unmerged adapters (logits within 1e-4 of jax-js)", async () => {
    const m2 = loadModel(loadFixture(arch).dir);
    try {
      m2.params.layers = applyLora(m2.params, randomLora(m2, loraCfg, 11), loraCfg).layers;
      const tb = trainBatch(examples(), [0, 1, 2], 8, 0);
      const fast = await fastRunLogits(m2, tb.batch);
      const jax = await runWithCache(m2, tb.batch);
      const real = (i: number) => tb.batch.mask[Math.floor(i / v())] === 1;
      const d = expectClose(`${arch} unmerged logits`, fast.data, jax.logits!.data, {
        atol: 1e-4,
        where: real,
      });
      expect(d).toBeGreaterThanOrEqual(0);
    } finally {
      m2.dispose();
    }
  });
});
