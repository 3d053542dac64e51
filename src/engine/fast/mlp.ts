/**
 * The SwiGLU MLP of the Llama family: out = (silu(x·Wg) ⊙ (x·Wu)) · Wd, with the gate's
 * activation and the product fused into one loop. The forward keeps gate and up for the VJP:
 * dgate = dh ⊙ up ⊙ σ(g)(1 + g(1 − σ(g))), dup = dh ⊙ silu(g), dx = dgate·Wgᵀ + dup·Wuᵀ.
 */
import { linear, linearBackward } from "./linear.js";
import type { Buf, Numerics } from "./numerics.js";

export interface MlpWeights {
  /** [D, F] */ wGate: Buf;
  /** [D, F] */ wUp: Buf;
  /** [F, D] */ wDown: Buf;
}

export interface MlpSaved {
  /** [rows, F] pre-activation gate */ gate: Buf;
  /** [rows, F] */ up: Buf;
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** x [rows, D] → [rows, D]; returns what the backward needs too. */
export function mlpForward(
  nm: Numerics,
  w: MlpWeights,
  x: Buf,
  rows: number,
  d: number,
  f: number,
): { out: Buf; saved: MlpSaved } {
  const gate = linear(nm, x, w.wGate, rows, d, f);
  const up = linear(nm, x, w.wUp, rows, d, f);
  const h = nm.alloc(rows * f);
  const round = nm.round;
  for (let i = 0; i < rows * f; i++) {
    const g = gate[i]!;
    h[i] = round(g / (1 + Math.exp(-g))) * up[i]!;
  }
  return { out: linear(nm, h, w.wDown, rows, f, d), saved: { gate, up } };
}

/** dx [rows, D] from dout [rows, D]. */
export function mlpBackward(
  nm: Numerics,
  w: MlpWeights,
  s: MlpSaved,
  dout: Buf,
  rows: number,
  d: number,
  f: number,
): Buf {
  const dh = linearBackward(nm, dout, w.wDown, rows, f, d);
  const dgate = nm.alloc(rows * f);
  const dup = nm.alloc(rows * f);
  for (let i = 0; i < rows * f; i++) {
    const g = s.gate[i]!;
    const sg = sigmoid(g);
    dup[i] = dh[i]! * g * sg;
    dgate[i] = dh[i]! * s.up[i]! * sg * (1 + g * (1 - sg));
  }
  const dx = linearBackward(nm, dgate, w.wGate, rows, d, f);
  return linearBackward(nm, dup, w.wUp, rows, d, f, dx);
}
