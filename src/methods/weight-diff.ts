/**
 * Weight-diff hypotheses: where a finetune put its behaviour, read from the update itself. For
 * every adapted projection of a LoRA adapter, ΔW = s·B·A (exactly rank r; low-rank-svd.ts gives
 * its SVD without forming it), and its singular vectors that live in the residual stream's basis
 * are directions in d_model space:
 *
 * - "read" side (q, k, v, gate, up read the normalised residual stream): the right singular
 *   vectors. With `foldNorm` (default) the RMSNorm weight g of the layer's input norm is folded
 *   in first (ΔW·diag(g)), since those matrices see g ⊙ x / rms(x): the directions are then in
 *   the residual stream's own basis, up to the per-token scalar 1/rms(x).
 * - "write" side (o, down add to the residual stream): the left singular vectors.
 *
 * Directions from layers other than the SAE's are used as they are: the residual stream keeps
 * one basis across layers to first order (every block adds to it), which is an approximation.
 *
 * Latent scores (the rule; chosen before looking at any organism): the sign of a singular vector
 * is arbitrary, so a latent i is scored by squared cosines. For each matrix m with singular
 * values σ_mj and unit vectors w_mj on one side, the share of its update's energy along the
 * latent's unit decoder row d̂_i is  e_m(i) = Σ_j σ_mj² ⟨d̂_i, w_mj⟩² / Σ_j σ_mj²
 * (= ‖ΔW_m d̂_i‖² / ‖ΔW_m‖_F² on the read side): the singular values weight the directions, and
 * dividing by the Frobenius norm makes matrices of different scales comparable. A random unit
 * direction has E[e_m] = 1/d_model, so the score is s_i = d_model · mean_m e_m(i): how many times
 * the share a random direction would get. Latents are ranked by s_i per side.
 *
 * Needs no gradient and no forward pass: it is a few SVDs of rank-r products and one product with
 * the decoder. Candidates come from the read side (what the update reacts to, where a trigger
 * lives); the write side (what it adds, i.e. the behaviour the auditor already knows) is reported.
 *
 * Shape legend: D d_model, M d_sae, r rank.
 */
import type { PeftAdapter } from "../io/peft.js";
import type { ModelConfig } from "../model/config.js";
import { loraDims, type LoraTarget } from "../model/lora.js";
import { lowRankSvd } from "./low-rank-svd.js";
import { MethodInputError } from "./losses.js";
import type { SaeDecoder } from "../sae/decoder-space.js";

export type DiffSide = "read" | "write";

/** Which side of each projection faces the residual stream. */
export const TARGET_SIDE: Record<LoraTarget, DiffSide> = {
  q: "read",
  k: "read",
  v: "read",
  gate: "read",
  up: "read",
  o: "write",
  down: "write",
};

/** q, k, v read through the input norm (ln1); gate, up through the post-attention norm (ln2). */
const READ_NORM: Partial<Record<LoraTarget, "ln1" | "ln2">> = {
  q: "ln1",
  k: "ln1",
  v: "ln1",
  gate: "ln2",
  up: "ln2",
};

export interface DiffDirection {
  layer: number;
  target: LoraTarget;
  side: DiffSide;
  /** 0-based position among the matrix's singular values. */
  index: number;
  sigma: number;
  /** σ² / ‖ΔW‖_F² of its matrix. */
  share: number;
  /** Unit vector [D] (sign arbitrary). */
  vector: Float64Array;
}

export interface WeightDiffOptions {
  /** Singular directions kept per matrix, largest first (default: all, i.e. the rank). */
  directions?: number;
  /** Fold the input norms' weights into the read side (default true; needs `norms`). */
  foldNorm?: boolean;
  /** Per layer, the RMSNorm weights [D] before attention (ln1) and before the MLP (ln2). */
  norms?: ReadonlyMap<number, { ln1: Float32Array; ln2: Float32Array }>;
}

const KEYS = ["directions", "foldNorm", "norms"];

function checkOptions(o: WeightDiffOptions): { directions: number; foldNorm: boolean } {
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k)) throw new MethodInputError(`weightDiff: unknown option "${k}"`);
  }
  const directions = o.directions ?? Infinity;
  if (directions !== Infinity && (!Number.isInteger(directions) || directions < 1)) {
    throw new MethodInputError(
      `weightDiff: directions must be a positive integer (got ${directions})`,
    );
  }
  const foldNorm = o.foldNorm ?? true;
  if (typeof foldNorm !== "boolean") {
    throw new MethodInputError(`weightDiff: foldNorm must be a boolean (got ${String(foldNorm)})`);
  }
  return { directions, foldNorm };
}

/** A with its columns scaled by g (A·diag(g)), A [r, n] row-major. */
function scaleColumns(a: Float32Array, r: number, n: number, g: Float32Array): Float64Array {
  const out = new Float64Array(r * n);
  for (let k = 0; k < r; k++) for (let j = 0; j < n; j++) out[k * n + j] = a[k * n + j]! * g[j]!;
  return out;
}

/** Every adapted matrix's singular directions that live in d_model space, largest σ first. */
export function diffDirections(
  adapter: PeftAdapter,
  cfg: ModelConfig,
  o: WeightDiffOptions = {},
): DiffDirection[] {
  const { directions, foldNorm } = checkOptions(o);
  const r = adapter.config.rank;
  const out: DiffDirection[] = [];
  const layers = Object.keys(adapter.tensors)
    .map(Number)
    .sort((x, y) => x - y);
  for (const layer of layers) {
    for (const [target, m] of Object.entries(adapter.tensors[String(layer)]!) as [
      LoraTarget,
      { a: { data: Float32Array }; b: { data: Float32Array } },
    ][]) {
      const side = TARGET_SIDE[target];
      const { in: n, out: rows } = loraDims(cfg, target);
      let a: ArrayLike<number> = m.a.data;
      const normKey = READ_NORM[target];
      if (side === "read" && foldNorm && normKey) {
        const g = o.norms?.get(layer)?.[normKey];
        if (!g || g.length !== n) {
          throw new MethodInputError(
            `weightDiff: foldNorm needs layer ${layer}'s ${normKey} weight [${n}] (pass norms or foldNorm: false)`,
          );
        }
        a = scaleColumns(m.a.data, r, n, g);
      }
      const svd = lowRankSvd(m.b.data, a, rows, n, r, adapter.scale);
      const total = svd.sigma.reduce((s, x) => s + x * x, 0);
      svd.sigma.slice(0, directions).forEach((sigma, index) =>
        out.push({
          layer,
          target,
          side,
          index,
          sigma,
          share: total > 0 ? (sigma * sigma) / total : 0,
          vector: side === "read" ? svd.v[index]! : svd.u[index]!,
        }),
      );
    }
  }
  if (out.length === 0) throw new MethodInputError("weightDiff: the adapter's update is zero");
  return out;
}

export interface DiffLatent {
  index: number;
  /** d_model · mean over matrices of the latent's share of their update energy. */
  score: number;
  /** The largest |cos| with any one direction, and which. */
  bestCosine: number;
  bestDirection: number;
}

/** s_i (see the header) for every latent on one side, largest first. */
export function rankLatentsByDiff(
  dirs: readonly DiffDirection[],
  dec: SaeDecoder,
  side: DiffSide,
): DiffLatent[] {
  const d = dec.dModel;
  const picked = dirs.map((x, i) => ({ x, i })).filter(({ x }) => x.side === side);
  if (picked.length === 0) return [];
  const matrices = new Set(picked.map(({ x }) => `${x.layer}.${x.target}`)).size;
  for (const { x } of picked) {
    if (x.vector.length !== d) {
      throw new MethodInputError(
        `weightDiff: direction of length ${x.vector.length}, SAE d_in ${d}`,
      );
    }
  }
  const out: DiffLatent[] = [];
  for (let li = 0; li < dec.dSae; li++) {
    const row = dec.rows.subarray(li * d, (li + 1) * d);
    let energy = 0;
    let best = 0;
    let bestDirection = -1;
    for (const { x, i } of picked) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += row[k]! * x.vector[k]!;
      energy += x.share * dot * dot;
      if (Math.abs(dot) > best) {
        best = Math.abs(dot);
        bestDirection = i;
      }
    }
    out.push({ index: li, score: (d * energy) / matrices, bestCosine: best, bestDirection });
  }
  return out.sort((p, q) => q.score - p.score || p.index - q.index);
}
