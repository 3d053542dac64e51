/**
 * Where the steering step's time goes: its pieces timed one by one, rebuilt here from the exported
 * parts of src/model/loss.ts (the same functions, the same compiled-program structure), plus
 * variants of the gradient program to measure alternatives without touching src/.
 *
 *   prep      host side: steering arrays, response selection, attention bias and RoPE tables,
 *             uploaded (two batchInputs, as steeringLossAndGrad builds them)
 *   prefix    residAfter(layer): layers 0..ℓ, compiled, no gradient
 *   grad      value and d/dv of the response loss (layers ℓ+1..): loss.ts's gradient program
 *             before eacd373
 *   later     the same computation as `grad` without the gradient (forward of layers ℓ+1.. only)
 *   gradW     `grad` differentiated also w.r.t. the later layers' weights, those gradients
 *             disposed outside the program (the workaround DESIGN.md "Engine" describes)
 *   gradAll   `grad` differentiated also w.r.t. every parameter, gradients disposed: loss.ts's
 *             gradient program since eacd373
 *
 * Shape legend: B batch, T tokens, D d_model.
 */
import { jit, np, tree, valueAndGrad } from "../src/engine/jax.js";
import { batchInputs } from "../src/model/inputs.js";
import {
  residAfter,
  responseSelection,
  steeredResponseLoss,
  type GradArgs,
} from "../src/model/loss.js";
import type { Model } from "../src/model/model.js";
import type { LayerParams, ModelParams } from "../src/model/params.js";
import { steeringArrays } from "../src/model/steering.js";
import { steerArgs, time, type StepInputs, type Timing } from "./setup.js";

export { settle };

type Rest = Omit<GradArgs, "vector">;

/**
 * Waits until `x` is computed. On WebGPU `blockUntilReady` returned before the GPU finished
 * (a 2.9 TFLOP forward "took" 18 ms): reading back one element waits for the queue.
 */
async function settle(x: np.Array): Promise<void> {
  await x.ref.reshape([x.size]).slice([0, 1]).data();
}

async function timeIf(on: boolean, fn: () => Promise<Timing>): Promise<Timing | undefined> {
  return on ? fn() : undefined;
}

/** The device arguments of one gradient-program call (fresh: programs consume their arguments). */
async function prepare(model: Model, s: StepInputs): Promise<{ vector: np.Array; rest: Rest }> {
  const cfg = model.config;
  const { batch: b, seqLen: t } = s.batch;
  const st = steeringArrays(cfg, steerArgs(s)[1], b, t, s.batch.mask);
  const sel = responseSelection({ batch: s.batch, responseMask: s.responseMask });
  const resid = residAfter(model, s.layer, batchInputs(cfg, model.invFreq, s.batch));
  const inputs = batchInputs(cfg, model.invFreq, s.batch);
  inputs.ids?.dispose();
  delete inputs.ids;
  await settle(resid);
  return {
    vector: st.vector,
    rest: {
      resid,
      mask: st.mask,
      inputs,
      sel: { select: sel.select, targets: sel.targets, perExample: sel.perExample },
    },
  };
}

/** Response loss of the later layers, as loss.ts computes it. */
function lossOf(model: Model, layer: number, vector: np.Array, params: ModelParams, a: Rest) {
  return steeredResponseLoss(model.config, layer, vector, params, a);
}

type Later = {
  layers: LayerParams[];
  lnFinal: ModelParams["lnFinal"];
  unembed?: ModelParams["unembed"];
};

export interface StepParts {
  prep: Timing;
  prefix: Timing;
  grad: Timing;
  later: Timing;
  gradW: Timing;
  gradAll: Timing;
  /** loss and |grad| from `grad` and `gradW` (they must agree). */
  check: { loss: number; gradNorm: number; lossW: number; gradNormW: number };
}

export async function stepParts(
  model: Model,
  s: StepInputs,
  warmup: number,
  runs: number,
  opts: { only?: readonly (keyof StepParts)[] } = {},
): Promise<Partial<StepParts>> {
  const want = (k: keyof StepParts) => !opts.only || opts.only.includes(k);
  const cfg = model.config;
  const layer = s.layer;

  const prep = await timeIf(want("prep"), () =>
    time(
      async () => {
        const st = steeringArrays(
          cfg,
          { layer, vector: s.vector, positionMask: s.positionMask },
          s.batch.batch,
          s.batch.seqLen,
          s.batch.mask,
        );
        const sel = responseSelection({ batch: s.batch, responseMask: s.responseMask });
        const i1 = batchInputs(cfg, model.invFreq, s.batch);
        const i2 = batchInputs(cfg, model.invFreq, s.batch);
        const all = [st, sel.select, sel.targets, sel.perExample, i1, i2];
        await Promise.all(tree.leaves(all).map((x) => (x as np.Array).blockUntilReady()));
        tree.dispose(all);
      },
      warmup,
      runs,
    ),
  );

  const prefix = await timeIf(want("prefix"), () =>
    time(
      async () => {
        const r = residAfter(model, layer, batchInputs(cfg, model.invFreq, s.batch));
        await settle(r);
        r.dispose();
      },
      warmup,
      runs,
    ),
  );

  // The gradient program of loss.ts: d/dv only.
  const vg = valueAndGrad(
    ((v: np.Array, p: ModelParams, a: Rest) => lossOf(model, layer, v, p, a)) as never,
    { hasAux: true },
  ) as unknown as (v: np.Array, p: ModelParams, a: Rest) => [[np.Array, np.Array], np.Array];
  const gradFn = jit((p: ModelParams, v: np.Array, a: Rest) => vg(v, p, a));
  // The same without the gradient.
  const laterFn = jit((p: ModelParams, v: np.Array, a: Rest) => lossOf(model, layer, v, p, a));
  // d/dv and d/dW of the later layers (the weight gradients are returned and disposed here).
  const vgW = valueAndGrad(
    ((v: np.Array, later: Later, p: ModelParams, a: Rest) => {
      const full: ModelParams = { ...p, lnFinal: later.lnFinal, layers: [...p.layers] };
      if (later.unembed) full.unembed = later.unembed;
      later.layers.forEach((lp, i) => (full.layers[layer + 1 + i] = lp));
      return lossOf(model, layer, v, full, a);
    }) as never,
    { hasAux: true, argnums: [0, 1] },
  ) as unknown as (
    v: np.Array,
    later: Later,
    p: ModelParams,
    a: Rest,
  ) => [[np.Array, np.Array], [np.Array, Later]];
  const gradWFn = jit((p: ModelParams, v: np.Array, a: Rest) => {
    const later: Later = {
      layers: p.layers.slice(layer + 1),
      lnFinal: p.lnFinal,
      ...(p.unembed ? { unembed: p.unembed } : {}),
    };
    return vgW(v, tree.ref(later), p, a);
  });

  // d/dv and d/dW of every parameter (loss.ts since eacd373).
  const vgAll = valueAndGrad(
    ((v: np.Array, p: ModelParams, a: Rest) => lossOf(model, layer, v, p, a)) as never,
    { hasAux: true, argnums: [0, 1] },
  ) as unknown as (
    v: np.Array,
    p: ModelParams,
    a: Rest,
  ) => [[np.Array, np.Array], [np.Array, ModelParams]];
  const gradAllFn = jit((p: ModelParams, v: np.Array, a: Rest) => vgAll(v, p, a));

  const check = { loss: NaN, gradNorm: NaN, lossW: NaN, gradNormW: NaN };
  try {
    const runGrad = async (keep: boolean) => {
      const { vector, rest } = await prepare(model, s);
      const t0 = performance.now();
      const [[loss, per], g] = gradFn(tree.ref(model.params), vector, rest);
      per.dispose();
      const l = (await loss.data())[0]!;
      const gd = (await g.data()) as Float32Array;
      const ms = performance.now() - t0;
      if (keep) {
        check.loss = l;
        check.gradNorm = Math.hypot(...gd);
      }
      return ms;
    };
    const grad = await timeIf(want("grad"), () => time(() => runGrad(false), warmup, runs));
    if (grad) await runGrad(true);

    const later = await timeIf(want("later"), () =>
      time(
        async () => {
          const { vector, rest } = await prepare(model, s);
          const t0 = performance.now();
          const [loss, per] = laterFn(tree.ref(model.params), vector, rest);
          per.dispose();
          await loss.data();
          return performance.now() - t0;
        },
        warmup,
        runs,
      ),
    );

    const runGradW = async (keep: boolean) => {
      const { vector, rest } = await prepare(model, s);
      const t0 = performance.now();
      const [[loss, per], [g, gw]] = gradWFn(tree.ref(model.params), vector, rest);
      per.dispose();
      tree.dispose(gw);
      const l = (await loss.data())[0]!;
      const gd = (await g.data()) as Float32Array;
      const ms = performance.now() - t0;
      if (keep) {
        check.lossW = l;
        check.gradNormW = Math.hypot(...gd);
      }
      return ms;
    };
    const gradW = await timeIf(want("gradW"), () => time(() => runGradW(false), warmup, runs));
    if (gradW) await runGradW(true);
    const gradAll = await timeIf(want("gradAll"), () =>
      time(
        async () => {
          const { vector, rest } = await prepare(model, s);
          const t0 = performance.now();
          const [[loss, per], [g, gw]] = gradAllFn(tree.ref(model.params), vector, rest);
          per.dispose();
          tree.dispose(gw);
          await loss.data();
          await g.data();
          return performance.now() - t0;
        },
        warmup,
        runs,
      ),
    );
    const out: Partial<StepParts> = { check };
    for (const [k, v] of Object.entries({ prep, prefix, grad, later, gradW, gradAll })) {
      if (v) out[k as "prep"] = v;
    }
    return out;
  } finally {
    gradFn.dispose();
    laterFn.dispose();
    gradWFn.dispose();
    gradAllFn.dispose();
  }
}
