/**
 * The SwiGLU MLP of the Llama family: out = (silu(x·Wg) ⊙ (x·Wu)) · Wd, with the gate's
 * activation and the product fused into one loop, each projection optionally LoRA-adapted
 * (lora.ts). The forward keeps what the VJP reads (x, gate, up, h and the adapters' t):
 * dgate = dh ⊙ up ⊙ σ(g)(1 + g(1 − σ(g))), dup = dh ⊙ silu(g), dx = dgate·Wgᵀ + dup·Wuᵀ.
 */
import {
  project,
  projectBackward,
  type FastLoraSet,
  type LoraGradSink,
  type LoraSaved,
} from "./lora.js";
import { OVERWRITTEN, type Buf, type Numerics } from "./numerics.js";

export interface MlpWeights {
  /** [D, F] */ wGate: Buf;
  /** [D, F] */ wUp: Buf;
  /** [F, D] */ wDown: Buf;
  /** Adapters on gate/up/down (the others are ignored here). */ lora?: FastLoraSet;
}

export interface MlpSaved {
  /** [rows, D] the input */ x: Buf;
  /** [rows, F] pre-activation gate */ gate: Buf;
  /** [rows, F] */ up: Buf;
  /** [rows, F] silu(gate) ⊙ up, the down projection's input */ h: Buf;
  lora: LoraSaved;
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
  const lora: LoraSaved = {};
  const at = (target: "gate" | "up" | "down") => ({ set: w.lora, target, saved: lora });
  const gate = project(nm, x, w.wGate, { rows, inDim: d, outDim: f }, undefined, at("gate"));
  const up = project(nm, x, w.wUp, { rows, inDim: d, outDim: f }, undefined, at("up"));
  const h = nm.alloc(rows * f, OVERWRITTEN);
  nm.swiglu(gate, up, h, rows * f);
  const out = project(nm, h, w.wDown, { rows, inDim: f, outDim: d }, undefined, at("down"));
  return { out, saved: { x, gate, up, h, lora } };
}

/** dx [rows, D] from dout [rows, D]; the adapters' gradients to `sink` when given. */
export function mlpBackward(
  nm: Numerics,
  w: MlpWeights,
  s: MlpSaved,
  dout: Buf,
  rows: number,
  d: number,
  f: number,
  sink?: LoraGradSink,
): Buf {
  const at = (target: "gate" | "up" | "down", x: Buf) => ({
    set: w.lora,
    target,
    saved: s.lora,
    x,
    sink,
  });
  const dh = projectBackward(
    nm,
    dout,
    w.wDown,
    { rows, inDim: f, outDim: d },
    undefined,
    at("down", s.h),
  );
  const dgate = nm.alloc(rows * f);
  const dup = nm.alloc(rows * f);
  nm.swigluBackward(s.gate, s.up, dh, dgate, dup, rows * f);
  const p = { rows, inDim: d, outDim: f };
  const dx = projectBackward(nm, dgate, w.wGate, p, undefined, at("gate", s.x));
  return projectBackward(nm, dup, w.wUp, p, dx, at("up", s.x));
}
