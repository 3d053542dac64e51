/**
 * The fast steering loss and d loss / d vector (float32, the process's CPU sgemm) against jax-js's
 * steeringLossAndGrad (src/model/loss.ts) and transformers' fixtures, for llama, qwen2 and qwen3:
 * loss and per-example losses ≤ 1e-4, gradient rtol ≤ 1e-3 (atol 1e-5 · max |grad|, as
 * test/model/reference.test.ts), with the fixture's user-span mask and scale, and per-example
 * vectors against jax-js.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import {
  fastRunLogits,
  fastSteeringLossAndGrad,
  prepareFastSteeringFor,
} from "../../../src/model/fast-adapter.js";
import { steeringLossAndGrad } from "../../../src/model/loss.js";
import { loadModel, type Model } from "../../../src/model/model.js";
import type { Steering } from "../../../src/model/steering.js";
import { expectClose, gradClose } from "../../model/compare.js";
import { loadFixture, type Fixture, fixtureBatch } from "../../model/fixture.js";
import { randomArray } from "./gradcheck.js";

const LOSS_ATOL = 1e-4;
const GRAD_RTOL = 1e-3;

beforeAll(async () => {
  await initEngine("wasm");
});

describe.each(["llama", "qwen2", "qwen3"])("fast steering gradient, %s", (arch) => {
  let model: Model;
  let fx: Fixture;
  beforeAll(() => {
    fx = loadFixture(arch);
    model = loadModel(fx.dir);
  });
  afterAll(() => model.dispose());

  function site(vector: Float32Array): {
    tf: Parameters<typeof steeringLossAndGrad>[1];
    s: Steering;
  } {
    const hb = fixtureBatch(fx, "steer_");
    const responseMask = Uint8Array.from(fx.f32("steer_response_mask").data);
    const { layer, scale } = fx.manifest.steer;
    const positionMask = fx.f32("steer_user_mask").data;
    return { tf: { batch: hb, responseMask }, s: { layer, vector, positionMask, scale } };
  }

  it("equals transformers and jax-js (the fixture's vector)", async () => {
    const { tf, s } = site(fx.f32("steer_vector").data);
    const fast = await fastSteeringLossAndGrad(model, tf, s);
    const jax = await steeringLossAndGrad(model, tf, s);
    const opts = { atol: LOSS_ATOL, rtol: 1e-5 };
    expectClose("loss vs transformers", [fast.loss], fx.f32("steer_loss").data, opts);
    expectClose("loss vs jax-js", [fast.loss], [jax.loss], opts);
    const per = fx.f32("steer_loss_per_example").data;
    expectClose("per-example vs transformers", fast.perExample, per, opts);
    const rRef = gradClose("grad vs transformers", fast.grad, fx.f32("steer_grad").data, GRAD_RTOL);
    const rJax = gradClose("grad vs jax-js", fast.grad, jax.grad, GRAD_RTOL);
    const dl = Math.abs(fast.loss - jax.loss);
    console.log(
      `${arch}: |loss diff| vs jax-js ${dl.toExponential(2)}; grad max|diff|/max|grad| vs transformers ${rRef.toExponential(2)}, vs jax-js ${rJax.toExponential(2)}`,
    );
  });

  it("equals jax-js with one vector per example", async () => {
    const b = fixtureBatch(fx, "steer_").batch;
    const d = model.config.dModel;
    const { tf, s } = site(Float32Array.from(randomArray(b * d, 21, 0.5)));
    const fast = await fastSteeringLossAndGrad(model, tf, s);
    const jax = await steeringLossAndGrad(model, tf, s);
    expectClose("loss", [fast.loss], [jax.loss], { atol: LOSS_ATOL, rtol: 1e-5 });
    expectClose("per-example", fast.perExample, jax.perExample, { atol: LOSS_ATOL, rtol: 1e-5 });
    const r = gradClose("per-example grad vs jax-js", fast.grad, jax.grad, GRAD_RTOL);
    console.log(`${arch} per-example: grad max|diff|/max|grad| vs jax-js ${r.toExponential(2)}`);
  });

  it("gives the same results again after other passes reused its buffers", async () => {
    const { tf, s } = site(fx.f32("steer_vector").data);
    const prepared = await prepareFastSteeringFor(model, tf, s);
    const first = prepared(s.vector);
    const logits = await fastRunLogits(model, tf.batch);
    const kept = Float32Array.from(logits.data);
    await fastSteeringLossAndGrad(model, tf, { ...s, vector: new Float32Array(s.vector.length) });
    const again = prepared(s.vector);
    expect(again.loss).toBe(first.loss);
    expect(Array.from(again.grad)).toEqual(Array.from(first.grad));
    // Results are copies: later passes do not write into them.
    expect(Array.from(logits.data)).toEqual(Array.from(kept));
  });
});
