/**
 * The tiled WGSL SGEMM against a plain float64 loop (float64Numerics): every transpose pair, both
 * block tiles, sizes that are not multiples of a tile, α/β, offsets and leading dimensions, and a
 * batched launch with grouped (GQA) operands, vec4 and scalar reads, split-K (a long K over few
 * output blocks: slices reduced in a fixed order); rel err = max|diff|/max|ref|
 * ≤ 1e-5. Repeat runs, the tiles and vec4 vs scalar reads give the same bits (each output is
 * one in-order sum over k), and so do the three shader generators (sgemm-wgsl.ts's SgemmKernel):
 * the unrolled, blocked and prefetch kernels are checked bit for bit against the rolled one, the kernel the
 * fast path used before them, on every case, tile, vec4 setting, batched and split-K launch.
 */
import { describe, expect, it } from "vitest";
import { gpuRead, gpuUpload } from "../../../src/engine/gpu/context.js";
import { GpuRecorder } from "../../../src/engine/gpu/recorder.js";
import { gpuGemm, type GpuGemmArgs } from "../../../src/engine/gpu/sgemm.js";
import {
  SGEMM_KERNELS,
  TILE_128,
  TILE_128_BK8,
  TILE_64,
  type GemmTile,
  type SgemmKernel,
} from "../../../src/engine/gpu/sgemm-wgsl.js";
import { float64Numerics } from "../../../src/engine/fast/numerics.js";
import { ctx, gpuSuite, randomF32, relErr, sameBits } from "./gpu-env.js";

const RTOL = 1e-5;

interface Case {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  beta?: number;
  alpha?: number;
}

async function runGpu(
  c: Case,
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array,
  tile?: GemmTile,
  vec4 = true,
  kernel?: SgemmKernel,
) {
  const rec = new GpuRecorder(ctx!);
  const [ga, gb, gc] = [a, b, c0].map((x) => rec.own(gpuUpload(ctx!, x))) as [
    ReturnType<typeof gpuUpload>,
    ReturnType<typeof gpuUpload>,
    ReturnType<typeof gpuUpload>,
  ];
  const args: GpuGemmArgs = { ...c, a: ga, b: gb, c: gc, vec4 };
  if (tile) args.tile = tile;
  if (kernel) args.kernel = kernel;
  gpuGemm(rec, args);
  rec.submit();
  const out = await gpuRead(ctx!, gc);
  await rec.release();
  return out;
}

function reference(c: Case, a: Float32Array, b: Float32Array, c0: Float32Array) {
  const out = Float64Array.from(c0);
  float64Numerics.gemm({ ...c, a: Float64Array.from(a), b: Float64Array.from(b), c: out });
  const alpha = c.alpha ?? 1;
  if (alpha !== 1) {
    const ab = new Float64Array(c.m * c.n);
    float64Numerics.gemm({
      ...c,
      beta: 0,
      a: Float64Array.from(a),
      b: Float64Array.from(b),
      c: ab,
    });
    return ab.map((v, i) => alpha * v + (c.beta ?? 0) * c0[i]!);
  }
  return out;
}

const CASES: Case[] = [];
for (const transA of [false, true]) {
  for (const transB of [false, true]) {
    CASES.push({ m: 67, n: 45, k: 133, transA, transB });
    CASES.push({ m: 300, n: 260, k: 37, transA, transB });
  }
}
for (const transA of [false, true]) {
  for (const transB of [false, true]) CASES.push({ m: 132, n: 68, k: 76, transA, transB }); // vec4
}
CASES.push(
  { m: 5, n: 7, k: 1 },
  { m: 130, n: 129, k: 64, beta: 1 },
  { m: 33, n: 70, k: 19, alpha: 0.5, beta: -2 },
);

/** Every case above, plus one operand read as vec4 and the other not (A's rows 132 long, n 45). */
const KERNEL_CASES: Case[] = [
  ...CASES,
  ...[false, true].flatMap((transA) =>
    [false, true].map((transB) => ({ m: 64, n: 45, k: 132, transA, transB })),
  ),
];

/** A tile whose thread grid is not square (16×8): rows and columns are mapped separately. */
const TILE_32X64: GemmTile = { bm: 32, bn: 64, bk: 16, tm: 4, tn: 4 };
/**
 * 8×8 outputs per thread like TILE_128 (two 4-wide row and column groups in the blocked kernel)
 * on a 4×8 thread grid: lavapipe compiles an unrolled TILE_128 shader in 15–45 s, so the many
 * cases below use this one, and TILE_128 itself gets a test of its own on a few cases.
 */
const TILE_8X8: GemmTile = { bm: 32, bn: 64, bk: 4, tm: 8, tn: 8 };

describe.skipIf(!ctx)(gpuSuite("gpu sgemm"), () => {
  it.each(CASES)("m $m n $n k $k transA $transA transB $transB β $beta", async (c) => {
    const a = randomF32(c.m * c.k, 1 + c.m);
    const b = randomF32(c.k * c.n, 2 + c.n);
    const c0 = randomF32(c.m * c.n, 3 + c.k);
    const want = reference(c, a, b, c0);
    const results: Float32Array[] = [];
    for (const tile of [TILE_64, TILE_8X8]) {
      const got = await runGpu(c, a, b, c0, tile);
      const err = relErr(got, want);
      console.log(`sgemm ${c.m}×${c.n}×${c.k} ${tile.bm}-tile: rel err ${err.toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(RTOL);
      results.push(got);
    }
    results.push(await runGpu(c, a, b, c0, TILE_64));
    results.push(await runGpu(c, a, b, c0, TILE_8X8, false));
    expect(sameBits(results[0]!, results[2]!)).toBe(true);
    expect(sameBits(results[0]!, results[1]!)).toBe(true);
    expect(sameBits(results[1]!, results[3]!)).toBe(true);
  });

  it.each(KERNEL_CASES)(
    "unrolled, blocked and prefetch kernels give the rolled kernel's bits: m $m n $n k $k transA $transA transB $transB",
    async (c) => {
      const a = randomF32(c.m * c.k, 1 + c.m);
      const b = randomF32(c.k * c.n, 2 + c.n);
      const c0 = randomF32(c.m * c.n, 3 + c.k);
      const ref = reference(c, a, b, c0);
      for (const tile of [TILE_64, TILE_32X64, TILE_8X8]) {
        for (const vec4 of [true, false]) {
          const want = await runGpu(c, a, b, c0, tile, vec4, "rolled");
          expect(relErr(want, ref)).toBeLessThanOrEqual(RTOL);
          for (const kernel of SGEMM_KERNELS.filter((x) => x !== "rolled")) {
            const got = await runGpu(c, a, b, c0, tile, vec4, kernel);
            const what = `${kernel} vs rolled, tile ${JSON.stringify(tile)}, vec4 ${vec4}`;
            expect(sameBits(got, want), what).toBe(true);
          }
        }
      }
    },
    600_000,
  );

  it.each([
    { m: 260, n: 132, k: 76, transA: false, transB: false },
    { m: 67, n: 45, k: 133, transA: true, transB: true },
  ])(
    "TILE_128: every kernel and BK 8 give the same bits, m $m n $n k $k transA $transA transB $transB",
    async (c) => {
      const a = randomF32(c.m * c.k, 21);
      const b = randomF32(c.k * c.n, 22);
      const c0 = randomF32(c.m * c.n, 23);
      const ref = reference(c, a, b, c0);
      const want = await runGpu(c, a, b, c0, TILE_128_BK8, true, "rolled");
      expect(relErr(want, ref)).toBeLessThanOrEqual(RTOL);
      for (const kernel of SGEMM_KERNELS) {
        const got = await runGpu(c, a, b, c0, TILE_128, true, kernel);
        expect(sameBits(got, want), `${kernel} TILE_128 vs rolled BK 8`).toBe(true);
      }
    },
    600_000,
  );

  it("strided operands with offsets and leading dimensions", async () => {
    const [m, n, k, lda, ldb, ldc] = [20, 30, 40, 50, 45, 33];
    const a = randomF32(7 + m * lda, 4);
    const b = randomF32(3 + k * ldb, 5);
    const c0 = randomF32(11 + m * ldc, 6);
    const g = { m, n, k, lda, ldb, ldc, offsetA: 7, offsetB: 3, offsetC: 11, beta: 1 };
    const want = Float64Array.from(c0);
    float64Numerics.gemm({ ...g, a: Float64Array.from(a), b: Float64Array.from(b), c: want });
    const outs: Float32Array[] = [];
    for (const kernel of SGEMM_KERNELS) {
      const rec = new GpuRecorder(ctx!);
      const gc = rec.own(gpuUpload(ctx!, c0));
      const [ga, gb] = [a, b].map((x) => rec.own(gpuUpload(ctx!, x)));
      gpuGemm(rec, { ...g, a: ga!, b: gb!, c: gc, kernel });
      rec.submit();
      outs.push(await gpuRead(ctx!, gc));
      await rec.release();
      expect(relErr(outs.at(-1)!, want)).toBeLessThanOrEqual(RTOL);
    }
    for (const got of outs) expect(sameBits(got, outs[0]!)).toBe(true);
  });

  it("batched over (example, head) with grouped KV operands, as attention's Q·Kᵀ", async () => {
    const [bsz, t, h, hkv, k] = [2, 9, 4, 2, 8];
    const q = randomF32(bsz * t * h * k, 7);
    const kv = randomF32(bsz * t * hkv * k, 8);
    const outs: Float32Array[] = [];
    for (const kernel of SGEMM_KERNELS) {
      const rec = new GpuRecorder(ctx!);
      const gp = rec.alloc(bsz * h * t * t);
      gpuGemm(rec, {
        kernel,
        m: t,
        n: t,
        k,
        a: rec.own(gpuUpload(ctx!, q)),
        lda: h * k,
        b: rec.own(gpuUpload(ctx!, kv)),
        ldb: hkv * k,
        transB: true,
        c: gp,
        batch: {
          count: bsz * h,
          div: h,
          a: { outer: t * h * k, inner: k },
          b: { outer: t * hkv * k, inner: k, group: h / hkv },
          c: { outer: h * t * t, inner: t * t },
        },
      });
      rec.submit();
      outs.push(await gpuRead(ctx!, gp));
      await rec.release();
    }
    const want = new Float64Array(bsz * h * t * t);
    for (let e = 0; e < bsz; e++) {
      for (let hh = 0; hh < h; hh++) {
        float64Numerics.gemm({
          m: t,
          n: t,
          k,
          a: Float64Array.from(q),
          offsetA: e * t * h * k + hh * k,
          lda: h * k,
          b: Float64Array.from(kv),
          offsetB: e * t * hkv * k + Math.floor(hh / (h / hkv)) * k,
          ldb: hkv * k,
          transB: true,
          c: want,
          offsetC: (e * h + hh) * t * t,
        });
      }
    }
    for (const got of outs) {
      expect(relErr(got, want)).toBeLessThanOrEqual(RTOL);
      expect(sameBits(got, outs[0]!)).toBe(true);
    }
  });

  it("refuses an operand that does not fit its buffer", () => {
    const rec = new GpuRecorder(ctx!);
    const small = rec.own(gpuUpload(ctx!, new Float32Array(10)));
    expect(() => gpuGemm(rec, { m: 4, n: 4, k: 4, a: small, b: small, c: small })).toThrow(
      /needs 16 elements, has 10/,
    );
  });

  it.each([
    [false, false, 0],
    [false, true, 0],
    [true, false, 0],
    [true, true, 0],
    [false, false, 1],
  ])("split-K: transA %s transB %s (strided C with β: %s)", async (transA, transB, strided) => {
    const [m, n, k] = [20, 36, 5003];
    const ldc = strided ? 40 : n;
    const offC = strided ? 3 : 0;
    const a = randomF32(m * k, 11);
    const b = randomF32(k * n, 12);
    const c0 = randomF32(offC + m * ldc, 13);
    const g = { m, n, k, transA, transB, ldc, offsetC: offC, beta: strided ? 0.5 : 0 };
    const want = Float64Array.from(c0);
    float64Numerics.gemm({ ...g, a: Float64Array.from(a), b: Float64Array.from(b), c: want });
    // Every kernel unsplit (auto S) and with S = 5, the last one twice (a repeat run).
    const runs = [
      ...SGEMM_KERNELS.flatMap((kernel) => [0, 5].map((splitK) => ({ kernel, splitK }))),
    ];
    runs.push(runs.at(-1)!);
    const outs: Float32Array[] = [];
    for (const { kernel, splitK } of runs) {
      const rec = new GpuRecorder(ctx!);
      const gc = rec.own(gpuUpload(ctx!, c0));
      const ga = rec.own(gpuUpload(ctx!, a));
      const gb = rec.own(gpuUpload(ctx!, b));
      gpuGemm(rec, { ...g, a: ga, b: gb, c: gc, kernel, ...(splitK ? { splitK } : {}) });
      rec.submit();
      outs.push(await gpuRead(ctx!, gc));
      await rec.release();
    }
    for (const got of outs) expect(relErr(got, want)).toBeLessThanOrEqual(RTOL);
    console.log(`split-K ${m}×${n}×${k}: rel err ${relErr(outs[1]!, want).toExponential(2)}`);
    runs.forEach(({ kernel, splitK }, i) => {
      const rolled = outs[splitK ? 1 : 0]!;
      expect(sameBits(outs[i]!, rolled), `${kernel} split ${splitK} vs rolled`).toBe(true);
    });
  });

  it("a launch the device rejects fails loudly when the pass is released", async () => {
    const rec = new GpuRecorder(ctx!);
    const t = rec.alloc(4);
    rec.dispatch("this is not WGSL", [t], new ArrayBuffer(16), [1, 1, 1]);
    await expect(rec.release()).rejects.toThrow(/gpu fast path: invalid launch/);
  });
});
