/**
 * Typed tree helpers over jax-js's `tree`. Its functions take `JsTree<T>`, an index-signature
 * type that the library's parameter interfaces (ModelParams, TopKParams) do not satisfy, so
 * callers cast them to `never`. These take any object and keep its type: a map or an unflatten
 * returns the tree type it was given. jax-js walks plain objects and arrays; other leaves pass
 * through untouched.
 */
import { tree, type np } from "./jax.js";

/** The structure of a flattened tree (jax-js's JsTreeDef). */
export type TreeDef = tree.JsTreeDef;

type Walkable = tree.JsTree<np.Array>;
const walkable = (t: unknown) => t as Walkable;

/** Disposes every array in `t` (absent parts are skipped). */
export function disposeTree(t: unknown): void {
  tree.dispose(walkable(t));
}

/** Takes a reference of every array in `t`; returns the same structure. */
export function refTree<T>(t: T): T {
  return tree.ref(walkable(t)) as T;
}

/** The arrays of `t`, in jax-js's traversal order. */
export function leavesOf(t: unknown): np.Array[] {
  return tree.leaves(walkable(t));
}

/** The arrays of `t` and its structure, for `unflattenAs`. */
export function flattenTree(t: unknown): [np.Array[], TreeDef] {
  return tree.flatten(walkable(t));
}

/** Rebuilds a tree of type T (the type that was flattened into `def`) from its arrays. */
export function unflattenAs<T>(def: TreeDef, leaves: Iterable<np.Array>): T {
  return tree.unflatten(def, leaves) as T;
}

/** Applies `fn` to every array of `t`; the result has t's type. Does not consume `t`. */
export function mapTree<T>(fn: (x: np.Array) => np.Array, t: T): T {
  return tree.map(fn, walkable(t)) as T;
}
