/**
 * Adam on a host vector (steering vectors and SAE codes are small: one d_model or d_sae vector),
 * in float64, with optional AMSGrad (the MELBO original's setting) and decoupled weight decay
 * (AdamW, as torch.optim.AdamW: x ← x·(1 − lr·weightDecay) before the Adam update; default 0).
 */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  amsgrad?: boolean;
  weightDecay?: number;
}

export class HostAdam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly vMax: Float64Array;
  private t = 0;

  constructor(
    n: number,
    private readonly o: AdamOptions,
  ) {
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
    this.vMax = new Float64Array(n);
  }

  /** Updates `x` in place with gradient `g`. */
  step(x: Float32Array, g: ArrayLike<number>): void {
    const b1 = this.o.beta1 ?? 0.9;
    const b2 = this.o.beta2 ?? 0.999;
    const eps = this.o.eps ?? 1e-8;
    const decay = 1 - this.o.lr * (this.o.weightDecay ?? 0);
    this.t++;
    const bc1 = 1 - b1 ** this.t;
    const bc2 = 1 - b2 ** this.t;
    for (let i = 0; i < x.length; i++) {
      const gi = g[i]!;
      this.m[i] = b1 * this.m[i]! + (1 - b1) * gi;
      this.v[i] = b2 * this.v[i]! + (1 - b2) * gi * gi;
      let vi = this.v[i]!;
      if (this.o.amsgrad) vi = this.vMax[i] = Math.max(this.vMax[i]!, vi);
      if (decay !== 1) x[i]! *= decay;
      x[i]! -= (this.o.lr * (this.m[i]! / bc1)) / (Math.sqrt(vi / bc2) + eps);
    }
  }
}
