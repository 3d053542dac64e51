/**
 * Compiled (jitted) programs cached per model and key. Their captured constants live until the
 * model is disposed, which disposes them too.
 */
import { jit } from "../engine/jax.js";

type AnyFn = (...args: never[]) => unknown;
type Owner = object;

const registry = new WeakMap<Owner, Map<string, { dispose(): void }>>();

/** Returns the program cached under `key` for `owner`, jitting `body` the first time. */
export function cachedProgram<F extends AnyFn>(owner: Owner, key: string, body: F): F {
  let programs = registry.get(owner);
  if (!programs) registry.set(owner, (programs = new Map()));
  let fn = programs.get(key);
  if (!fn) {
    fn = jit(body as never) as unknown as { dispose(): void };
    programs.set(key, fn);
  }
  return fn as unknown as F;
}

/** Disposes every program cached for `owner`. */
export function disposePrograms(owner: Owner): void {
  const programs = registry.get(owner);
  if (!programs) return;
  for (const p of programs.values()) p.dispose();
  registry.delete(owner);
}
