/**
 * Buffers allocated with `overwritten` (numerics.ts) are handed out without zero-filling: every
 * producer that asks for one must write each element before anything reads it. Here each such
 * buffer starts as NaN, so an element left unwritten reaches the logits, the loss or the gradient;
 * the results must equal (exactly) those of plain zeroed buffers. The arena's reuse across passes
 * of different batches must give the same bits as a fresh pass, and the logits written into the
 * caller's buffer the same as the arena's. The arena holds only the last pass's buffers, and a
 * prefill gives each layer's back to it (the same bits, fewer buffers held).
 */
import { describe, expect, it } from "vitest";
import { prefill } from "../../../src/engine/fast/decode.js";
import { fastLogits, type FastBatch } from "../../../src/engine/fast/forward.js";
import { newKvCache } from "../../../src/engine/fast/kv-cache.js";
import type { FastModel } from "../../../src/engine/fast/model.js";
import {
  float32Numerics,
  float64Numerics,
  withArena,
  type AllocOptions,
  type Numerics,
} from "../../../src/engine/fast/numerics.js";
import { prepareFastSteering } from "../../../src/engine/fast/steer.js";
import { jsSgemm } from "../../../src/engine/kernels/index.js";
import { randomArray } from "./gradcheck.js";
import { tinyBatch, tinyFastModel, type TinyArch } from "./tiny.js";

/** `nm` whose overwritten buffers start as NaN. */
function poisoned(nm: Numerics): Numerics {
  return {
    ...nm,
    alloc: (n: number, opts?: AllocOptions) => {
      const buf = nm.alloc(n);
      if (opts?.overwritten) buf.fill(NaN);
      return buf;
    },
  };
}

/** The logits, then the steering loss and gradient at `layer`, as plain arrays. */
function results(nm: Numerics, m: FastModel, bb: FastBatch, layer: number) {
  const logits = Array.from(fastLogits(nm, m, bb));
  const positionMask = Float64Array.from([0, 1, 1, 0, 0, 0, 0, 1, 1, 0]);
  const responseMask = Uint8Array.from([0, 0, 0, 1, 1, 0, 0, 0, 1, 1]);
  const site = { layer, positionMask, responseMask };
  const r = prepareFastSteering(nm, m, bb, site).lossAndGrad(randomArray(m.config.dModel, 7));
  return { logits, loss: r.loss, grad: Array.from(r.grad) };
}

const CASES: [TinyArch, boolean, number][] = [
  ["llama", false, 0],
  ["qwen2", false, 1],
  ["qwen3", true, 0],
  ["llama", true, 2],
];

describe("overwritten buffers are written in full", () => {
  it.each(CASES)("%s (tied %s), steering layer %i", (arch, tied, layer) => {
    const m = tinyFastModel(arch, tied);
    const bb = tinyBatch(m.config);
    const want = results(float64Numerics, m, bb, layer);
    expect(want.logits.some(Number.isNaN)).toBe(false);
    expect(results(poisoned(float64Numerics), m, bb, layer)).toEqual(want);
  });
});

const toF32 = (x: Float64Array) => Float32Array.from(x);

/** The tiny model and batch in float32. */
function tiny32(arch: TinyArch, tied: boolean) {
  const m = tinyFastModel(arch, tied);
  const m32: FastModel = {
    config: m.config,
    weights: {
      embed: toF32(m.weights.embed as Float64Array),
      lnFinal: toF32(m.weights.lnFinal as Float64Array),
      layers: m.weights.layers.map(
        (l) =>
          Object.fromEntries(
            Object.entries(l).map(([k, v]) => [k, toF32(v as Float64Array)]),
          ) as unknown as typeof l,
      ),
      ...(m.weights.unembed ? { unembed: toF32(m.weights.unembed as Float64Array) } : {}),
    },
  };
  const bb0 = tinyBatch(m.config);
  const bb = { ...bb0, cos: toF32(bb0.cos as Float64Array), sin: toF32(bb0.sin as Float64Array) };
  return { m, m32, bb };
}

describe("the arena's reused buffers", () => {
  const f32 = () => float32Numerics(jsSgemm);
  const other = (bb: FastBatch, vocab: number): FastBatch => ({
    ...bb,
    ids: bb.ids.map((id) => (id * 7 + 2) % vocab),
  });

  it.each(CASES)("%s (tied %s): same bits as a fresh pass", (arch, tied, layer) => {
    const { m, m32, bb } = tiny32(arch, tied);
    const arena = withArena(f32());
    results(arena, m32, other(bb, m.config.vocabSize), layer);
    arena.reset();
    const reused = results(arena, m32, bb, layer);
    expect(reused).toEqual(results(f32(), m32, bb, layer));
    arena.reset();
    const out = new Float32Array(bb.b * bb.t * m.config.vocabSize);
    fastLogits(arena, m32, bb, out);
    expect(Array.from(out)).toEqual(reused.logits);
  });

  it("takes back the buffers handed out after a mark, within a pass", () => {
    const arena = withArena(f32());
    arena.reset();
    const kept = arena.alloc(10);
    const mark = arena.mark();
    const a = arena.alloc(20);
    a.fill(5);
    arena.alloc(30);
    arena.releaseFrom(mark);
    expect(arena.alloc(10)).not.toBe(kept);
    const b = arena.alloc(20);
    expect(b).toBe(a);
    expect(Array.from(b).every((x) => x === 0)).toBe(true);
    expect(() => arena.releaseFrom(99)).toThrow(/not a mark of this pass/);
  });

  it.each(CASES)(
    "%s (tied %s): a prefill that releases each layer keeps its bits",
    (arch, tied) => {
      const { m32, bb } = tiny32(arch, tied);
      const run = (nm: Numerics) => {
        const cache = newKvCache(m32.config, bb.b, bb.t + 3);
        const logits = Array.from(prefill(nm, m32, bb, cache));
        return {
          logits,
          k: cache.k.map((x) => Array.from(x)),
          v: cache.v.map((x) => Array.from(x)),
        };
      };
      const releasing = withArena(f32());
      const got = run(releasing);
      expect(got).toEqual(run(f32()));
      // The same arena without mark/releaseFrom keeps every layer's buffers to the end of the pass.
      const keeping = withArena(f32());
      run({ ...keeping, mark: undefined, releaseFrom: undefined } as unknown as Numerics);
      expect(releasing.heldElements()).toBeLessThan(keeping.heldElements());
    },
  );

  it("rejects an unknown alloc option by name", () => {
    const arena = withArena(f32());
    expect(() => arena.alloc(4, { overwriten: true } as AllocOptions)).toThrow(/"overwriten"/);
  });

  it("holds the last pass's buffers, not every size asked for since the start", () => {
    const arena = withArena(f32());
    // 50 passes of four buffers each, every pass its own size (as finetuning batches are).
    for (let pass = 1; pass <= 50; pass++) {
      arena.reset();
      for (let k = 0; k < 4; k++) arena.alloc(1000 + pass);
    }
    // In use: the last pass's; kept for reuse: the pass before's (every earlier one let go).
    expect(arena.heldElements()).toBe(4 * 1050 + 4 * 1049);
    arena.reset();
    expect(arena.heldElements()).toBe(4 * 1050);
    // A size the last pass asked for is handed out again, zeroed.
    const a = arena.alloc(1050);
    a.fill(3);
    arena.reset();
    const b = arena.alloc(1050);
    expect(b).toBe(a);
    expect(Array.from(b).every((x) => x === 0)).toBe(true);
    arena.reset();
    expect(arena.heldElements()).toBe(1050);
  });
});
