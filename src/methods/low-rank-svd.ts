/**
 * The singular value decomposition of a low-rank product ΔW = s·B·A (a LoRA update: B [out, r],
 * A [r, in], r small), exactly and cheaply, without forming ΔW: B = Q_B R_B and Aᵀ = Q_A R_A
 * (modified Gram–Schmidt, re-orthogonalised once), then the r×r core s·R_B·R_Aᵀ = U_c Σ V_cᵀ by
 * one-sided Jacobi; U = Q_B U_c, V = Q_A V_c. weight-diff.ts reads its singular vectors as
 * directions in the residual stream. Everything is float64.
 *
 * Columns of Q that Gram–Schmidt finds dependent (a zero or repeated column) are left zero, so
 * their singular values come out 0 and are dropped: the result lists only σ > 0, largest first.
 *
 * Shape legend: m out, n in, r rank. Matrices are row-major Float64Array.
 */

export interface Svd {
  /** Singular values, largest first, all > 0. */
  sigma: number[];
  /** Left singular vectors, one per σ, each [m]. */
  u: Float64Array[];
  /** Right singular vectors, one per σ, each [n]. */
  v: Float64Array[];
}

/** Relative size below which a Gram–Schmidt residual (or a singular value) counts as zero. */
const RELATIVE_ZERO = 1e-12;

/**
 * Thin QR of the columns of `x` (rows × cols, row-major): Q [rows, cols] with orthonormal (or
 * zero) columns and R [cols, cols] upper triangular, x = Q·R.
 */
export function thinQr(x: Float64Array, rows: number, cols: number) {
  const q = Float64Array.from(x);
  const r = new Float64Array(cols * cols);
  let scale = 0;
  for (const v of x) scale = Math.max(scale, Math.abs(v));
  for (let j = 0; j < cols; j++) {
    // Two passes of projection (MGS twice is enough for orthogonality to working precision).
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += q[i * cols + k]! * q[i * cols + j]!;
        r[k * cols + j]! += dot;
        for (let i = 0; i < rows; i++) q[i * cols + j]! -= dot * q[i * cols + k]!;
      }
    }
    let nn = 0;
    for (let i = 0; i < rows; i++) nn += q[i * cols + j]! ** 2;
    const n = Math.sqrt(nn);
    const dependent = n <= RELATIVE_ZERO * scale * Math.sqrt(rows) || n === 0;
    r[j * cols + j] = dependent ? 0 : n;
    for (let i = 0; i < rows; i++) q[i * cols + j] = dependent ? 0 : q[i * cols + j]! / n;
  }
  return { q, r };
}

/**
 * One-sided Jacobi SVD of a square r×r matrix `c` (row-major): rotates pairs of columns of
 * W = c until they are orthogonal; then σ_j = ‖W_j‖, U_j = W_j / σ_j, V = the accumulated rotations.
 */
export function jacobiSvd(c: Float64Array, r: number): Svd {
  const w = Float64Array.from(c);
  const vAcc = new Float64Array(r * r);
  for (let i = 0; i < r; i++) vAcc[i * r + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < r - 1; p++) {
      for (let q = p + 1; q < r; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < r; i++) {
          const wp = w[i * r + p]!;
          const wq = w[i * r + q]!;
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        off = Math.max(off, Math.abs(gamma) / Math.sqrt(alpha * beta));
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        for (const m of [w, vAcc]) {
          for (let i = 0; i < r; i++) {
            const mp = m[i * r + p]!;
            const mq = m[i * r + q]!;
            m[i * r + p] = cs * mp - sn * mq;
            m[i * r + q] = sn * mp + cs * mq;
          }
        }
      }
    }
    if (off <= 1e-15) break;
  }
  const cols = Array.from({ length: r }, (_, j) => {
    let nn = 0;
    for (let i = 0; i < r; i++) nn += w[i * r + j]! ** 2;
    return { j, sigma: Math.sqrt(nn) };
  }).sort((a, b) => b.sigma - a.sigma);
  const top = cols[0]?.sigma ?? 0;
  const kept = cols.filter((x) => x.sigma > RELATIVE_ZERO * top && x.sigma > 0);
  return {
    sigma: kept.map((x) => x.sigma),
    u: kept.map(({ j, sigma }) =>
      Float64Array.from({ length: r }, (_, i) => w[i * r + j]! / sigma),
    ),
    v: kept.map(({ j }) => Float64Array.from({ length: r }, (_, i) => vAcc[i * r + j]!)),
  };
}

/** Q [rows, cols] times a column vector y [cols]. */
function times(q: Float64Array, rows: number, cols: number, y: Float64Array): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += q[i * cols + k]! * y[k]!;
    out[i] = s;
  }
  return out;
}

/**
 * The SVD of s·B·A, B [m, r] and A [r, n] row-major (PEFT's lora_B and lora_A), through QR of B
 * and Aᵀ and a Jacobi SVD of the r×r core.
 */
export function lowRankSvd(
  b: ArrayLike<number>,
  a: ArrayLike<number>,
  m: number,
  n: number,
  r: number,
  scale = 1,
): Svd {
  if (b.length !== m * r || a.length !== r * n) {
    throw new Error(
      `lowRankSvd: B has ${b.length} values (want ${m}·${r}), A ${a.length} (want ${r}·${n})`,
    );
  }
  const at = new Float64Array(n * r);
  for (let k = 0; k < r; k++) for (let j = 0; j < n; j++) at[j * r + k] = a[k * n + j]!;
  const qb = thinQr(Float64Array.from(b), m, r);
  const qa = thinQr(at, n, r);
  // core = s · R_B · R_Aᵀ [r, r]
  const core = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      let sum = 0;
      for (let k = 0; k < r; k++) sum += qb.r[i * r + k]! * qa.r[j * r + k]!;
      core[i * r + j] = scale * sum;
    }
  }
  const c = jacobiSvd(core, r);
  return {
    sigma: c.sigma,
    u: c.u.map((y) => times(qb.q, m, r, y)),
    v: c.v.map((y) => times(qa.q, n, r, y)),
  };
}
