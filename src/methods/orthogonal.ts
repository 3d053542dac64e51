/**
 * An orthonormal basis of earlier vectors (Gram–Schmidt), for keeping each new steering vector
 * orthogonal to the ones found before it. Projecting with unnormalised vectors (v − Σ (v·u)u with
 * ‖u‖ ≠ 1) is wrong; the basis stores unit vectors and re-orthogonalises each addition twice
 * ("twice is enough", Giraud et al.) so the result holds to float32 rounding.
 */
export class OrthogonalBasis {
  private readonly units: Float64Array[] = [];

  constructor(readonly dim: number) {}

  get size(): number {
    return this.units.length;
  }

  /** v minus its components along the basis (a new array). */
  project(v: ArrayLike<number>): Float32Array {
    if (v.length !== this.dim)
      throw new Error(`vector has ${v.length} values; the basis has dimension ${this.dim}`);
    const out = Float64Array.from(v);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of this.units) {
        let dot = 0;
        for (let i = 0; i < this.dim; i++) dot += out[i]! * u[i]!;
        for (let i = 0; i < this.dim; i++) out[i]! -= dot * u[i]!;
      }
    }
    return Float32Array.from(out);
  }

  /** Adds v's direction (after projecting it off the basis); throws on a (near-)dependent vector. */
  add(v: ArrayLike<number>): void {
    const p = Float64Array.from(this.project(v));
    const norm = Math.hypot(...p);
    if (!(norm > 1e-6)) throw new Error("vector lies in the span of the basis (or is zero)");
    this.units.push(p.map((x) => x / norm));
  }
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}
