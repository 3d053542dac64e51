/**
 * Parameter trees as named leaves ("layers.3.wq") and back: the names key checkpoint tensors, so a
 * checkpoint can be checked leaf by leaf against the tree it is restored into.
 */
import type { np } from "../engine/jax.js";

type Node = np.Array | Node[] | { [key: string]: Node };

function isArrayLeaf(x: unknown): x is np.Array {
  return typeof x === "object" && x !== null && "shape" in x && "dispose" in x;
}

/** [name, leaf] pairs in a fixed order (object keys sorted). */
export function namedLeaves(tree: object, prefix = ""): [string, np.Array][] {
  const out: [string, np.Array][] = [];
  const walk = (node: unknown, path: string) => {
    if (isArrayLeaf(node)) out.push([path, node]);
    else if (Array.isArray(node)) node.forEach((c, i) => walk(c, path ? `${path}.${i}` : `${i}`));
    else if (typeof node === "object" && node !== null) {
      for (const k of Object.keys(node).sort()) {
        const child = (node as Record<string, unknown>)[k];
        if (child === undefined) continue;
        walk(child, path ? `${path}.${k}` : k);
      }
    }
  };
  walk(tree, prefix);
  return out;
}

/** A tree shaped like `template` whose leaves come from `leafFor(name, templateLeaf)`. */
export function rebuildTree<T extends object>(
  template: T,
  leafFor: (name: string, like: np.Array) => np.Array,
): T {
  const walk = (node: unknown, path: string): unknown => {
    if (isArrayLeaf(node)) return leafFor(path, node);
    if (Array.isArray(node)) return node.map((c, i) => walk(c, path ? `${path}.${i}` : `${i}`));
    if (typeof node === "object" && node !== null) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(node).sort()) {
        const child = (node as Record<string, unknown>)[k];
        if (child === undefined) continue;
        out[k] = walk(child, path ? `${path}.${k}` : k);
      }
      return out;
    }
    return node;
  };
  return walk(template, "") as T;
}

export type { Node as TreeNode };
