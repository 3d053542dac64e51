/**
 * Encode/decode against the PyTorch reference fixture (test/fixtures/sae/make_sae_fixtures.py),
 * for every architecture and layout (SAELens, Llama Scope with and without the decoder-norm gate,
 * GemmaScope params.npz stored and deflated); threshold semantics (strict >); Llama Scope scaling
 * and its decoder-norm gate on hand-computed examples; folding decoder norms and the activation
 * scale keeps the function.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { grad, jit, np } from "../../src/engine/jax.js";
import { liveBufferCounter } from "../../src/engine/live-buffers.js";
import { writeSafetensors } from "../../src/io/safetensors.js";
import { writeJsonAtomic } from "../../src/io/atomic.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  decode,
  encode,
  encodeHost,
  foldActivationScale,
  foldDecoderNorms,
  loadSae,
  saeToDevice,
  unitDecoderRows,
  type HostTensor,
  type Sae,
} from "../../src/sae/index.js";
import { fixtureSae, maxDiff, randomSae, referenceTensors, tempDir } from "./sae-helpers.js";

let live: () => number;
const refs = referenceTensors();
const x = refs.get("x")!;

beforeAll(async () => {
  await initEngine("wasm");
  live = await liveBufferCounter();
});

async function run(sae: Sae, input: HostTensor = x) {
  const d = saeToDevice(sae);
  try {
    return await encodeHost(d, input);
  } finally {
    d.dispose();
  }
}

/** Fixture folder → its reference's name (the two GemmaScope archives hold the same weights). */
const REFERENCE_OF: Record<string, string> = {
  standard: "standard",
  standard_bdec: "standard_bdec",
  jumprelu: "jumprelu",
  topk: "topk",
  llamascope: "llamascope",
  llamascope_decnorm: "llamascope_decnorm",
  gemmascope: "gemmascope",
  gemmascope_compressed: "gemmascope",
};
/** GemmaScope's params.npz names no hook; the fixture's folders are not a GemmaScope release. */
const loadFixture = (name: string): Sae =>
  name.startsWith("gemmascope")
    ? loadSae(fixtureSae(name), { hookName: "blocks.0.hook_resid_post" })
    : loadSae(fixtureSae(name));

describe("encode/decode against the PyTorch reference", () => {
  for (const [name, ref] of Object.entries(REFERENCE_OF)) {
    it(`matches torch for ${name} (atol 1e-5)`, async () => {
      const before = live();
      const sae = loadFixture(name);
      const out = await run(sae);
      const f = maxDiff(out.features.data, refs.get(`${ref}.features`)!.data);
      const r = maxDiff(out.reconstruction.data, refs.get(`${ref}.reconstruction`)!.data);
      expect(f.diff, `${name} features: max |diff| at ${f.at}`).toBeLessThan(1e-5);
      expect(r.diff, `${name} reconstruction: max |diff| at ${r.at}`).toBeLessThan(1e-5);
      expect(live()).toBe(before);
    });
  }

  it("keeps exactly k latents per row for topk", async () => {
    const out = await run(loadSae(fixtureSae("topk")));
    const [n, m] = out.features.shape as [number, number];
    for (let i = 0; i < n; i++) {
      const active = out.features.data.subarray(i * m, (i + 1) * m).filter((v) => v !== 0);
      expect(active.length).toBe(5);
    }
  });
});

describe("topk gradients", () => {
  it("the threshold mask is differentiable under jit: ∂Σx̂/∂x = Σ_active W_enc[:, i]·Σ_j W_dec[i, j]", async () => {
    const sae = randomSae({ dIn: 8, dSae: 24, architecture: "topk", k: 3 });
    const input: HostTensor = {
      shape: [1, 8],
      data: new Float32Array(8).map((_, i) => Math.sin(i + 1)),
    };
    const d = saeToDevice(sae);
    const g = jit(grad((xs: np.Array) => decode(d, encode(d, xs)).sum()));
    const got = (await g(np.array(input.data).reshape([1, 8])).data()) as Float32Array;
    const f = (await encodeHost(d, input)).features.data;
    d.dispose();
    const expected = new Float32Array(8);
    for (let i = 0; i < 24; i++) {
      if (f[i] === 0) continue;
      let rowSum = 0;
      for (let j = 0; j < 8; j++) rowSum += sae.weights.wDec.data[i * 8 + j]!;
      for (let j = 0; j < 8; j++) expected[j]! += sae.weights.wEnc.data[j * 24 + i]! * rowSum;
    }
    expect(f.filter((v) => v !== 0).length).toBe(3);
    expect(maxDiff(got, expected).diff).toBeLessThan(1e-5);
  });
});

describe("threshold semantics", () => {
  it("jumprelu gates strictly: a pre-activation equal to its threshold gives 0", async () => {
    // W_enc = I, b_enc = 0, so pre = x exactly; thresholds 0.5 and 0.25, x = (0.5, 0.5).
    const sae = randomSae({ dIn: 2, dSae: 2, architecture: "jumprelu" });
    sae.weights.wEnc.data.set([1, 0, 0, 1]);
    sae.weights.bEnc.data.fill(0);
    sae.weights.threshold!.data.set([0.5, 0.25]);
    const out = await run(sae, { shape: [1, 2], data: Float32Array.from([0.5, 0.5]) });
    expect([...out.features.data]).toEqual([0, 0.5]);
  });

  it("jumprelu is relu(pre)·[pre > θ]: a negative threshold still zeroes negative pre", async () => {
    const sae = randomSae({ dIn: 2, dSae: 2, architecture: "jumprelu" });
    sae.weights.wEnc.data.set([1, 0, 0, 1]);
    sae.weights.bEnc.data.fill(0);
    sae.weights.threshold!.data.set([-1, -1]);
    const out = await run(sae, { shape: [1, 2], data: Float32Array.from([-0.5, 0.75]) });
    expect([...out.features.data]).toEqual([0, 0.75]);
  });
});

/**
 * Hand-computed Llama Scope example: d_model 4, d_sae 2, average norm 4 ⇒ s = √4/4 = 0.5;
 * jump_relu_threshold 1 ⇒ gate at pre > 0.5. W_enc picks x₀, x₁; b_enc = (0, 0.25); decoder rows
 * (2,0,0,0) and (0,3,0,0) (norms 2 and 3); b_dec = (0,0,0,1).
 *   x = (2, 0.4, 0, 0): s·x = (1, 0.2, 0, 0), pre = (1, 0.45), f = (1, 0), x̂ = ((2,0,0,1))/0.5 = (4,0,0,2)
 *   x = (0, 2, 0, 0):   pre = (0, 1.25), f = (0, 1.25), x̂ = (0, 3.75, 0, 1)/0.5 = (0, 7.5, 0, 2)
 *   x = (1, 0, 0, 0):   pre = (0.5, 0.25): 0.5 is not > 0.5, f = (0, 0), x̂ = (0, 0, 0, 2)
 */
function writeLlamaScopeExample(dir: string, decoderNormGate = false): void {
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, "hyperparams.json"), {
    d_model: 4,
    d_sae: 2,
    hook_point_in: "blocks.0.hook_resid_post",
    hook_point_out: "blocks.0.hook_resid_post",
    act_fn: "jumprelu",
    jump_relu_threshold: 1,
    norm_activation: "dataset-wise",
    dataset_average_activation_norm: { in: 4, out: 4 },
    sparsity_include_decoder_norm: decoderNormGate,
  });
  mkdirSync(join(dir, "checkpoints"));
  writeSafetensors(join(dir, "checkpoints", "final.safetensors"), {
    "encoder.weight": {
      dtype: "F32",
      shape: [2, 4],
      data: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]),
    },
    "encoder.bias": { dtype: "F32", shape: [2], data: Float32Array.from([0, 0.25]) },
    "decoder.weight": {
      dtype: "F32",
      shape: [4, 2],
      data: Float32Array.from([2, 0, 0, 3, 0, 0, 0, 0]),
    },
    "decoder.bias": { dtype: "F32", shape: [4], data: Float32Array.from([0, 0, 0, 1]) },
  });
}
const llamaX: HostTensor = {
  shape: [3, 4],
  data: Float32Array.from([2, 0.4, 0, 0, 0, 2, 0, 0, 1, 0, 0, 0]),
};
const llamaF = [1, 0, 0, 1.25, 0, 0];
const llamaXhat = [4, 0, 0, 2, 0, 7.5, 0, 2, 0, 0, 0, 2];

describe("Llama Scope", () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  beforeAll(() => writeLlamaScopeExample(tmp.dir));

  it("scales by s = √d_model / norm_in, gates at threshold·s, divides the output by s", async () => {
    const sae = loadSae(tmp.dir);
    expect(sae.config.format).toBe("llamascope");
    expect(sae.config.activationScale).toBe(0.5);
    expect(sae.config.threshold).toBe(1);
    const out = await run(sae, llamaX);
    expect(maxDiff(out.features.data, Float32Array.from(llamaF)).diff).toBeLessThan(1e-6);
    expect(maxDiff(out.reconstruction.data, Float32Array.from(llamaXhat)).diff).toBeLessThan(1e-6);
  });

  /**
   * The same example with sparsity_include_decoder_norm: latent i gates where pre·‖d_i‖ > θ·s,
   * i.e. pre₀ > 0.5/2 = 0.25 and pre₁ > 0.5/3 ≈ 0.1667.
   *   x = (2, 0.4, 0, 0): pre = (1, 0.45), both pass: x̂ = ((2,0,0,0) + (0,1.35,0,0) + (0,0,0,1))/0.5
   *   x = (0.4, 0, 0, 0): pre = (0.2, 0.25): latent 0 stays shut, latent 1 opens: x̂ = (0,0.75,0,1)/0.5
   */
  it("with sparsity_include_decoder_norm gates latent i at θ·s/‖d_i‖", async () => {
    const dir = join(tmp.dir, "decnorm");
    writeLlamaScopeExample(dir, true);
    const sae = loadSae(dir);
    expect([...sae.weights.threshold!.data]).toEqual([0.25, Math.fround(0.5 / 3)]);
    const out = await run(sae, {
      shape: [2, 4],
      data: Float32Array.from([2, 0.4, 0, 0, 0.4, 0, 0, 0]),
    });
    const f = Float32Array.from([1, 0.45, 0, 0.25]);
    const xhat = Float32Array.from([4, 2.7, 0, 2, 0, 1.5, 0, 2]);
    expect(maxDiff(out.features.data, f).diff).toBeLessThan(1e-6);
    expect(maxDiff(out.reconstruction.data, xhat).diff).toBeLessThan(1e-6);
  });

  it("folds decoder norms: unit decoder rows, same reconstruction, features scaled by the norms", async () => {
    const sae = loadSae(tmp.dir, { foldDecoderNorms: true });
    expect([...sae.weights.wDec.data]).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
    const out = await run(sae, llamaX);
    expect(maxDiff(out.features.data, Float32Array.from([2, 0, 0, 3.75, 0, 0])).diff).toBeLessThan(
      1e-6,
    );
    expect(maxDiff(out.reconstruction.data, Float32Array.from(llamaXhat)).diff).toBeLessThan(1e-6);
  });

  it("unitDecoderRows normalises the rows without changing the SAE", () => {
    const sae = loadSae(tmp.dir);
    expect([...unitDecoderRows(sae)]).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
    expect([...sae.weights.wDec.data]).toEqual([2, 0, 0, 0, 0, 3, 0, 0]);
  });

  it("folding decoder norms of the fixture keeps its reconstruction", async () => {
    const sae = loadSae(fixtureSae("llamascope"));
    const a = await run(sae);
    const b = await run(foldDecoderNorms(sae));
    expect(maxDiff(a.reconstruction.data, b.reconstruction.data).diff).toBeLessThan(1e-5);
  });

  it("folding the activation scale gives s = 1 and the same function", async () => {
    const sae = loadSae(fixtureSae("llamascope"));
    const folded = foldActivationScale(sae);
    expect(folded.config.activationScale).toBe(1);
    const a = await run(sae);
    const b = await run(folded);
    expect(maxDiff(a.features.data, b.features.data).diff).toBeLessThan(1e-5);
    expect(maxDiff(a.reconstruction.data, b.reconstruction.data).diff).toBeLessThan(1e-5);
  });

  it("refuses to fold decoder norms of a topk SAE", () => {
    expect(() => foldDecoderNorms(loadSae(fixtureSae("topk")))).toThrow(/topk/);
  });
});
