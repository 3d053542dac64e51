/**
 * Weight-diff directions against an independent dense computation: a random rank-3 LoRA adapter
 * on the tiny Llama fixture's config is merged into zero base weights (mergeLoraHost, so the
 * merged tensor is ΔW itself), and the dense ΔW (times diag(g) on the read side) is decomposed by
 * a symmetric Jacobi eigensolver of ΔWᵀΔW written here in float64. The low-rank SVD must give the
 * same singular values and the same vectors up to sign; latent scores must equal the dense
 * ‖ΔW d̂‖² / ‖ΔW‖_F² formula. No reference value here is a literal: all come from the fixture's
 * random draws and the dense computation.
 */
import { describe, expect, it } from "vitest";
import { baseWeightName, type PeftAdapter } from "../../src/io/peft.js";
import { readModelConfig } from "../../src/io/config.js";
import { LORA_TARGETS, loraDims, type LoraHostTensors } from "../../src/model/lora.js";
import { mergeLoraHost } from "../../src/model/lora-merge.js";
import type { HostTensor } from "../../src/model/params.js";
import { lowRankSvd, thinQr } from "../../src/methods/low-rank-svd.js";
import { MethodInputError } from "../../src/methods/losses.js";
import {
  diffDirections,
  rankLatentsByDiff,
  TARGET_SIDE,
  type DiffDirection,
} from "../../src/methods/weight-diff.js";
import { mulberry32 } from "../../src/random/seeded.js";

const cfg = readModelConfig("test/fixtures/models/llama");
const RANK = 3;
const LAYER = 1;
const SCALE = 16 / RANK;

/** Eigenpairs of a symmetric n×n matrix by cyclic Jacobi rotations (float64), largest first. */
function symmetricEigen(s: Float64Array, n: number) {
  const a = Float64Array.from(s);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - sn * akq;
          a[k * n + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - sn * aqk;
          a[q * n + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - sn * vkq;
          v[k * n + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, j) => ({
    value: a[j * n + j]!,
    vector: Float64Array.from({ length: n }, (_, i) => v[i * n + j]!),
  })).sort((x, y) => y.value - x.value);
}

/** Dense SVD of M [m, n] from the eigenpairs of MᵀM: σ, right vectors v, left vectors Mv/σ. */
function denseSvd(mat: Float64Array, m: number, n: number, keep: number) {
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += mat[k * n + i]! * mat[k * n + j]!;
      gram[i * n + j] = s;
    }
  return symmetricEigen(gram, n)
    .slice(0, keep)
    .map(({ value, vector }) => {
      const sigma = Math.sqrt(Math.max(value, 0));
      const u = new Float64Array(m);
      for (let k = 0; k < m; k++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += mat[k * n + j]! * vector[j]!;
        u[k] = s / sigma;
      }
      return { sigma, u, v: vector };
    });
}

const dotOf = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
};

/** A random adapter on one layer, all seven targets, and random positive norm weights. */
function fixture(seed: number) {
  const rng = mulberry32(seed);
  const tensors: LoraHostTensors = { [String(LAYER)]: {} };
  const zeros = new Map<string, HostTensor>();
  for (const t of LORA_TARGETS) {
    const { in: n, out } = loraDims(cfg, t);
    const draw = (len: number) => Float32Array.from({ length: len }, () => 2 * rng() - 1);
    tensors[String(LAYER)]![t] = {
      a: { shape: [RANK, n], data: draw(RANK * n) },
      b: { shape: [out, RANK], data: draw(out * RANK) },
    };
    zeros.set(baseWeightName(LAYER, t), { shape: [out, n], data: new Float32Array(out * n) });
  }
  const adapter: PeftAdapter = {
    dir: "(fixture)",
    config: { rank: RANK, alpha: 16, layers: [LAYER], targets: [...LORA_TARGETS] },
    scale: SCALE,
    baseModel: null,
    tensors,
  };
  const d = cfg.dModel;
  const norm = () => Float32Array.from({ length: d }, () => 0.5 + rng());
  const norms = new Map([[LAYER, { ln1: norm(), ln2: norm() }]]);
  return { adapter, norms, merged: mergeLoraHost(cfg, zeros, adapter) };
}

/** The dense matrix each side's directions should come from: ΔW, times diag(g) when read. */
function denseEffective(f: ReturnType<typeof fixture>, target: (typeof LORA_TARGETS)[number]) {
  const { in: n, out: m } = loraDims(cfg, target);
  const w = f.merged.get(baseWeightName(LAYER, target))!.data;
  const g = ["q", "k", "v"].includes(target)
    ? f.norms.get(LAYER)!.ln1
    : ["gate", "up"].includes(target)
      ? f.norms.get(LAYER)!.ln2
      : null;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) out[i * n + j] = w[i * n + j]! * (g ? g[j]! : 1);
  return { mat: out, m, n };
}

describe("low-rank SVD", () => {
  it("gives an orthonormal Q and an upper-triangular R with Q·R equal to the input", () => {
    const rng = mulberry32(3);
    const x = Float64Array.from({ length: 9 * 4 }, () => rng() - 0.5);
    const { q, r } = thinQr(x, 9, 4);
    for (let j = 0; j < 4; j++)
      for (let k = 0; k < 4; k++) {
        let s = 0;
        for (let i = 0; i < 9; i++) s += q[i * 4 + j]! * q[i * 4 + k]!;
        expect(s).toBeCloseTo(j === k ? 1 : 0, 12);
        if (k < j) expect(r[j * 4 + k]).toBe(0);
      }
    for (let i = 0; i < 9; i++)
      for (let k = 0; k < 4; k++) {
        let s = 0;
        for (let j = 0; j < 4; j++) s += q[i * 4 + j]! * r[j * 4 + k]!;
        expect(s).toBeCloseTo(x[i * 4 + k]!, 12);
      }
  });

  it("drops the singular values of a rank-deficient product (a repeated column of B)", () => {
    const rng = mulberry32(4);
    const b = Float64Array.from({ length: 6 * 3 }, () => rng() - 0.5);
    for (let i = 0; i < 6; i++) b[i * 3 + 2] = b[i * 3]!;
    const a = Float64Array.from({ length: 3 * 5 }, () => rng() - 0.5);
    expect(lowRankSvd(b, a, 6, 5, 3).sigma).toHaveLength(2);
    expect(lowRankSvd(new Float64Array(18), a, 6, 5, 3).sigma).toHaveLength(0);
  });
});

describe("weight-diff directions", () => {
  const f = fixture(11);
  const dirs = diffDirections(f.adapter, cfg, { norms: f.norms });

  it("match a dense SVD of the merged ΔW (times the norm weight on the read side)", () => {
    for (const t of LORA_TARGETS) {
      const mine = dirs.filter((x) => x.target === t);
      const { mat, m, n } = denseEffective(f, t);
      const ref = denseSvd(mat, m, n, RANK);
      expect(mine.map((x) => x.side)).toEqual(Array(RANK).fill(TARGET_SIDE[t]));
      mine.forEach((x, j) => {
        expect(x.sigma / ref[j]!.sigma).toBeCloseTo(1, 8);
        const want = x.side === "read" ? ref[j]!.v : ref[j]!.u;
        expect(x.vector).toHaveLength(cfg.dModel);
        expect(Math.abs(dotOf(x.vector, want))).toBeCloseTo(1, 8);
      });
      const total = ref.reduce((s, r) => s + r.sigma ** 2, 0);
      mine.forEach((x, j) => expect(x.share).toBeCloseTo(ref[j]!.sigma ** 2 / total, 8));
    }
  });

  it("keeps only the requested number of directions per matrix", () => {
    const top = diffDirections(f.adapter, cfg, { norms: f.norms, directions: 1 });
    expect(top).toHaveLength(LORA_TARGETS.length);
    expect(top.every((x) => x.index === 0)).toBe(true);
  });

  it("reads the raw ΔW when the norm is not folded", () => {
    const raw = diffDirections(f.adapter, cfg, { foldNorm: false });
    const q = raw.filter((x) => x.target === "q");
    const w = f.merged.get(baseWeightName(LAYER, "q"))!.data;
    const { in: n, out: m } = loraDims(cfg, "q");
    const ref = denseSvd(Float64Array.from(w), m, n, RANK);
    q.forEach((x, j) => expect(Math.abs(dotOf(x.vector, ref[j]!.v))).toBeCloseTo(1, 8));
  });

  it("rejects unknown options and a fold without norm weights, naming them", () => {
    expect(() => diffDirections(f.adapter, cfg, { foldNorms: true } as never)).toThrow(
      /unknown option "foldNorms"/,
    );
    expect(() => diffDirections(f.adapter, cfg)).toThrow(MethodInputError);
    expect(() => diffDirections(f.adapter, cfg)).toThrow(/ln1/);
    expect(() => diffDirections(f.adapter, cfg, { foldNorm: false, directions: 0 })).toThrow(
      /directions/,
    );
  });
});

describe("latent scores", () => {
  const f = fixture(12);
  const dirs = diffDirections(f.adapter, cfg, { norms: f.norms });
  const d = cfg.dModel;
  const rng = mulberry32(13);
  const m = 40;
  const rows = new Float32Array(m * d);
  for (let i = 0; i < m; i++) {
    const row = Float64Array.from({ length: d }, () => rng() - 0.5);
    const nrm = Math.sqrt(dotOf(row, row));
    for (let k = 0; k < d; k++) rows[i * d + k] = row[k]! / nrm;
  }
  // Latent 7 is (minus) the top read direction of q: the sign must not matter.
  const qTop = dirs.find((x: DiffDirection) => x.target === "q" && x.index === 0)!;
  for (let k = 0; k < d; k++) rows[7 * d + k] = -qTop.vector[k]!;
  const dec = { rows, dSae: m, dModel: d };

  it("equal d_model times the mean share of each matrix's ‖ΔW d̂‖² (dense formula)", () => {
    const ranked = rankLatentsByDiff(dirs, dec, "read");
    const reads = LORA_TARGETS.filter((t) => TARGET_SIDE[t] === "read");
    for (const latent of [0, 7, 19]) {
      const row = rows.subarray(latent * d, (latent + 1) * d);
      let sum = 0;
      for (const t of reads) {
        const { mat, m: rowsM, n } = denseEffective(f, t);
        let out = 0;
        let frob = 0;
        for (let i = 0; i < rowsM; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) {
            s += mat[i * n + j]! * row[j]!;
            frob += mat[i * n + j]! ** 2;
          }
          out += s * s;
        }
        sum += out / frob;
      }
      const got = ranked.find((r) => r.index === latent)!.score;
      expect(got / ((d * sum) / reads.length)).toBeCloseTo(1, 5);
    }
  });

  it("rank a latent along a top direction first, whatever its sign", () => {
    const ranked = rankLatentsByDiff(dirs, dec, "read");
    expect(ranked[0]!.index).toBe(7);
    expect(ranked[0]!.bestCosine).toBeCloseTo(1, 6);
    expect(dirs[ranked[0]!.bestDirection]).toBe(qTop);
  });

  it("score the write side from the left singular vectors of o and down only", () => {
    const writes = rankLatentsByDiff(dirs, dec, "write");
    const best = writes[0]!;
    expect(["o", "down"]).toContain(dirs[best.bestDirection]!.target);
  });
});
