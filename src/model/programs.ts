/**
 * Compiled (jitted) programs cached per model and key. Their captured constants live until the
 * model is disposed, which disposes them too.
 */
import { jit, type Program } from "../engine/transforms.js";

type Owner = object;

// Each key's program was jitted from a body of one signature; the map forgets which.
const registry = new WeakMap<Owner, Map<string, Program<never, unknown>>>();

/** Returns the program cached under `key` for `owner`, jitting `body` the first time. */
export function cachedProgram<A extends unknown[], R>(
  owner: Owner,
  key: string,
  body: (...args: A) => R,
): (...args: A) => R {
  let programs = registry.get(owner);
  if (!programs) registry.set(owner, (programs = new Map()));
  const cached = programs.get(key);
  if (cached) return cached as Program<A, R>;
  const fn = jit(body);
  programs.set(key, fn);
  return fn;
}

/** Disposes every program cached for `owner`. */
export function disposePrograms(owner: Owner): void {
  const programs = registry.get(owner);
  if (!programs) return;
  for (const p of programs.values()) p.dispose();
  registry.delete(owner);
}
