/**
 * Shape assertions at component boundaries. jax-js checks shapes only where an op needs them, so a
 * wrong layout (a transposed weight, a missing batch axis) can travel several components before
 * it fails, or not fail at all when broadcasting accepts it. These checks fail at the boundary,
 * with messages in jax-js's own style ("… must match, got [2,3] and [3,2]"). They read `shape`
 * only, so they cost nothing on the device and work on traced arrays under jit and grad.
 */

/** One expected axis: a size, or null for any size. */
export type Dim = number | null;

/** A shape mismatch found at a component boundary. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

interface Shaped {
  readonly shape: readonly number[];
}

/** `[2,3]`, or `[N,3]` for an expected shape with free axes. */
export function formatShape(shape: readonly (Dim | string)[]): string {
  return `[${shape.map((d) => (d === null ? "*" : String(d))).join(",")}]`;
}

/** Whether `shape` has the rank of `expected` and its sizes where they are given. */
export function shapeMatches(shape: readonly number[], expected: readonly Dim[]): boolean {
  return shape.length === expected.length && expected.every((d, i) => d === null || d === shape[i]);
}

/**
 * Throws a ShapeError unless `x` has the expected shape (null: any size on that axis).
 * `what` names the array: "attention q shape must be [2,5,4,*], got [2,5,8,16]".
 */
export function assertShape(x: Shaped, expected: readonly Dim[], what: string): void {
  if (!shapeMatches(x.shape, expected)) {
    throw new ShapeError(
      `${what} shape must be ${formatShape(expected)}, got ${formatShape(x.shape)}`,
    );
  }
}

/** Throws a ShapeError unless `a` and `b` have the same shape: "key and value shapes must match". */
export function assertSameShape(a: Shaped, b: Shaped, what: readonly [string, string]): void {
  if (!shapeMatches(a.shape, b.shape)) {
    throw new ShapeError(
      `${what[0]} and ${what[1]} shapes must match, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
}

/** A tuple of N numbers: the sizes of a rank-N array. */
export type Sizes<N extends number, R extends number[] = []> = R["length"] extends N
  ? R
  : Sizes<N, [...R, number]>;

/** The sizes of a rank-N array, asserting the rank: `const [b, t, d] = dims(x, 3, "resid")`. */
export function dims<N extends number>(x: Shaped, rank: N, what: string): Sizes<N> {
  if (x.shape.length !== rank) {
    throw new ShapeError(`${what} must have rank ${rank}, got ${formatShape(x.shape)}`);
  }
  return x.shape.slice() as Sizes<N>;
}

/** Throws a ShapeError unless the last axis of `x` has `size`: "mlp input last axis must be 64". */
export function assertLastAxis(x: Shaped, size: number, what: string): void {
  if (x.shape.length === 0 || x.shape[x.shape.length - 1] !== size) {
    throw new ShapeError(`${what} last axis must be ${size}, got ${formatShape(x.shape)}`);
  }
}

/**
 * Checks grouped-query attention inputs: q [B,T,H,K], k and v [B,S,Hkv,K] with H a multiple of
 * Hkv, bias [B|1,1,1,T,S]. Returns [B, T, H, K, S, Hkv].
 */
export function attentionDims(q: Shaped, k: Shaped, v: Shaped, bias: Shaped) {
  const [b, t, h, dk] = dims(q, 4, "query");
  assertSameShape(k, v, ["key", "value"]);
  const [, s, hkv] = dims(k, 4, "key");
  assertShape(k, [b, s, hkv, dk], "key");
  if (h % hkv !== 0) {
    throw new ShapeError(`query heads must be a multiple of key heads, got ${h} and ${hkv}`);
  }
  assertShape(bias, [null, 1, 1, t, s], "attention bias");
  return [b, t, h, dk, s, hkv] as const;
}
