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

// Other per-model resources freed with its programs (the GPU fast path's weights).
const resources = new WeakMap<Owner, Map<string, { dispose(): void }>>();

/** Frees `resource` when `owner`'s programs are disposed (a model's GPU upload, say). */
export function disposeWith(owner: Owner, key: string, resource: { dispose(): void }): void {
  let held = resources.get(owner);
  if (!held) resources.set(owner, (held = new Map()));
  held.get(key)?.dispose();
  held.set(key, resource);
}

/** Disposes every program (and resource) cached for `owner`. */
export function disposePrograms(owner: Owner): void {
  for (const r of resources.get(owner)?.values() ?? []) r.dispose();
  resources.delete(owner);
  const programs = registry.get(owner);
  if (!programs) return;
  for (const p of programs.values()) p.dispose();
  registry.delete(owner);
}
