/**
 * Typed jit / grad / valueAndGrad. jax-js types its transforms over `JsTree<Array>`, an index
 * signature that TypeScript interfaces (ModelParams, TopKParams, LossBatch) never satisfy, so each
 * caller cast its function to `never` and the result back to a hand-written signature. These
 * wrappers keep the caller's own signature: a program takes the arguments the function took and
 * returns what it returned; a gradient has the type of the argument it is taken with respect to
 * (a parameter tree's gradient is a tree of the same shape). The one cast lives here.
 */
import {
  grad as jaxGrad,
  jit as jaxJit,
  valueAndGrad as jaxValueAndGrad,
  type np,
  type tree,
} from "./jax.js";

/** A jitted function: the same signature, plus `dispose` for its compiled programs' constants. */
export type Program<A extends unknown[], R> = ((...args: A) => R) & { dispose(): void };

/** Which arguments to differentiate with respect to: one index or a list. */
export type Argnums = number | readonly number[];

/** The gradient(s) for `argnums` I of arguments A: A[I], or a tuple of them for a list. */
export type GradsOf<A extends unknown[], I extends Argnums> = I extends number
  ? A[I]
  : { -readonly [K in keyof I]: I[K] extends number ? A[I[K]] : never };

export interface JitOptions {
  /** Arguments treated as compile-time constants (hashable; each new value recompiles). */
  staticArgnums?: number[];
}

/** A scalar-valued function's differentiation options (jax-js's GradOpts). */
export interface GradOptions<I extends Argnums> {
  argnums?: I;
}

type Loose = (...args: unknown[]) => tree.JsTree<np.Array>;
const asLoose = <F>(f: F) => f as unknown as Loose;

/** Compiles `f` (jax-js `jit`); call `dispose()` on the result when done with it. */
export function jit<A extends unknown[], R>(
  f: (...args: A) => R,
  opts?: JitOptions,
): Program<A, R> {
  return jaxJit(asLoose(f), opts) as unknown as Program<A, R>;
}

/** d f / d args[argnums] (default: the first argument) of a scalar-valued `f`. */
export function grad<A extends unknown[], const I extends Argnums = 0>(
  f: (...args: A) => np.Array,
  opts: GradOptions<I> = {},
): (...args: A) => GradsOf<A, I> {
  return jaxGrad(asLoose(f), { argnums: opts.argnums ?? 0 } as never) as never;
}

/** Like `grad` for an `f` returning [scalar, aux]: returns [gradients, aux]. */
export function gradWithAux<A extends unknown[], X, const I extends Argnums = 0>(
  f: (...args: A) => [np.Array, X],
  opts: GradOptions<I> = {},
): (...args: A) => [GradsOf<A, I>, X] {
  return jaxGrad(asLoose(f), { argnums: opts.argnums ?? 0, hasAux: true } as never) as never;
}

/** [f(args), d f / d args[argnums]] of a scalar-valued `f`. */
export function valueAndGrad<A extends unknown[], const I extends Argnums = 0>(
  f: (...args: A) => np.Array,
  opts: GradOptions<I> = {},
): (...args: A) => [np.Array, GradsOf<A, I>] {
  return jaxValueAndGrad(asLoose(f), { argnums: opts.argnums ?? 0 } as never) as never;
}

/** Like `valueAndGrad` for an `f` returning [scalar, aux]: returns [[value, aux], gradients]. */
export function valueAndGradWithAux<A extends unknown[], X, const I extends Argnums = 0>(
  f: (...args: A) => [np.Array, X],
  opts: GradOptions<I> = {},
): (...args: A) => [[np.Array, X], GradsOf<A, I>] {
  const o = { argnums: opts.argnums ?? 0, hasAux: true };
  return jaxValueAndGrad(asLoose(f), o as never) as never;
}
