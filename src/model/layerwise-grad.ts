/**
 * The steering gradient one layer at a time: the default on WebGPU.
 *
 * jax-js's gradient of `x @ W` keeps two W-sized buffers beside W while its program runs (one
 * outside jit), whichever way W is laid out (`npm run bench:weight-copies`). Differentiating all
 * the layers after the steered one in one program therefore holds two copies of all their
 * weights at once: ~24 GiB at 8B size, what ran an 80 GB card out of memory. Here the forward
 * runs layer by layer keeping each layer's input (a [B, T, D] residual), the loss's gradient with
 * respect to the last residual comes from the head (last layer, final norm, unembedding,
 * cross-entropy), and the cotangent is carried back one layer per program: d⟨f(h), c⟩/dh. Only
 * one layer's copies are alive at a time. Each layer's forward runs twice (once to keep its
 * input, once inside its backward), so the pass costs about one forward more than the whole
 * program; the results are the same up to float32 rounding (test/model/layerwise-grad.test.ts).
 *
 * Shape legend: B batch, T tokens, D d_model, R rows of the vector (1 or B).
 */
import { np, tree } from "../engine/jax.js";
import { grad, valueAndGradWithAux } from "../engine/transforms.js";
import { forward, type ForwardInputs } from "./forward.js";
import { joinAtLayer, type EarlierParams, type LaterParams } from "./grad-params.js";
import type { Model } from "./model.js";
import type { ModelParams } from "./params.js";
import { cachedProgram } from "./programs.js";
import { addSteering } from "./steering.js";

/** What one gradient call reads (loss.ts's GradArgs, with `S` its response selection). */
export interface LayerwiseArgs<S> {
  /** [R, 1, D] */ vector: np.Array;
  /** [B, T, D] resid_post of the steered layer, unsteered. */ resid: np.Array;
  /** [B, T, 1] the position mask, times the scale. */ mask: np.Array;
  inputs: ForwardInputs;
  sel: S;
}

/**
 * The response loss and per-example losses from the residual entering layer `start` (the last
 * layer, or the final norm when the steered layer is the last): loss.ts supplies it. Consumes h,
 * inputs and sel; borrows params.
 */
export type HeadLoss<S> = (
  params: ModelParams,
  start: number,
  h: np.Array,
  inputs: ForwardInputs,
  sel: S,
) => [np.Array, np.Array];

export interface LayerwiseResult {
  value: [np.Array, np.Array];
  /** [R, 1, D] d loss / d vector. */
  grad: np.Array;
}

/** resid_post of layer `l` from its input h. Consumes h and inputs. */
const layerOutput =
  (model: Model, l: number) => (p: ModelParams, h: np.Array, inputs: ForwardInputs) =>
    forward(model.config, p, inputs, { startLayer: l, startResid: h, stopAfterLayer: l }).resid!;

/** layerOutput, compiled (no gradient). */
function layerForward(model: Model, l: number) {
  return cachedProgram(model, `layerwise/forward/${l}`, layerOutput(model, l));
}

/** The cotangent of layer `l`'s input, d⟨layer(h), c⟩/dh, from that of its output c. */
function layerBackward(model: Model, l: number) {
  const output = layerOutput(model, l);
  const inner = (h: np.Array, c: np.Array, p: ModelParams, inputs: ForwardInputs) =>
    output(p, h, inputs).mul(c).sum();
  const dh = grad(inner, { argnums: 0 });
  return cachedProgram(
    model,
    `layerwise/backward/${l}`,
    (p: ModelParams, h: np.Array, c: np.Array, inputs: ForwardInputs) => dh(h, c, p, inputs),
  );
}

/** The loss, per-example losses and d loss / d h at the head's input. */
function headGradient<S>(model: Model, start: number, key: string, head: HeadLoss<S>) {
  const vg = valueAndGradWithAux(
    (h: np.Array, p: ModelParams, inputs: ForwardInputs, sel: S) => head(p, start, h, inputs, sel),
    { argnums: 0 },
  );
  return cachedProgram(
    model,
    `layerwise/head/${start}/${key}`,
    (p: ModelParams, h: np.Array, inputs: ForwardInputs, sel: S) => {
      const [[loss, perExample], dh] = vg(h, p, inputs, sel);
      return { loss, perExample, dh };
    },
  );
}

/** The steered residual, and d loss / d vector from the cotangent c of the steered residual. */
function steeringPrograms(model: Model) {
  const steer = cachedProgram(model, "layerwise/steer", addSteering);
  const dv = grad((v: np.Array, resid: np.Array, mask: np.Array, c: np.Array) =>
    addSteering(resid, v, mask).mul(c).sum(),
  );
  const vectorGrad = cachedProgram(
    model,
    "layerwise/vector-grad",
    (v: np.Array, resid: np.Array, mask: np.Array, c: np.Array) => dv(v, resid, mask, c),
  );
  return { steer, vectorGrad };
}

/**
 * The gradient program of loss.ts (same arguments, same results) run one layer at a time after
 * `layer`. `key` names the head's variant (its query window) in the program cache.
 */
export function layerwiseGradient<S>(model: Model, layer: number, key: string, head: HeadLoss<S>) {
  const last = model.config.nLayers - 1;
  const headStart = Math.max(layer + 1, last);
  const middle: number[] = [];
  for (let l = layer + 1; l < headStart; l++) middle.push(l);
  const headProgram = headGradient(model, headStart, key, head);
  const { steer, vectorGrad } = steeringPrograms(model);
  return async (
    later: LaterParams,
    earlier: EarlierParams,
    a: LayerwiseArgs<S>,
  ): Promise<LayerwiseResult> => {
    const params = joinAtLayer(later, earlier);
    // inputsOf: each program consumes the inputs it is given.
    const inputsOf = () => tree.ref(a.inputs);
    const kept: np.Array[] = [steer(a.resid.ref, a.vector.ref, a.mask.ref)];
    for (const l of middle) {
      kept.push(layerForward(model, l)(tree.ref(params), kept.at(-1)!.ref, inputsOf()));
    }
    const h = headProgram(tree.ref(params), kept.pop()!, inputsOf(), a.sel);
    let c = await h.dh.blockUntilReady();
    for (let i = middle.length - 1; i >= 0; i--) {
      // Waiting for each layer lets jax-js free its buffers (its weight copies) before the
      // next layer's program allocates its own; queued together, they were all alive at once.
      const next = layerBackward(model, middle[i]!)(tree.ref(params), kept.pop()!, c, inputsOf());
      c = await next.blockUntilReady();
    }
    const g = vectorGrad(a.vector, a.resid, a.mask, c);
    tree.dispose(a.inputs);
    tree.dispose(params);
    return { value: [h.loss, h.perExample], grad: g };
  };
}
