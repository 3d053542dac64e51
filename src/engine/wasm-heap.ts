/**
 * The size of jax-js's wasm heap. jax-js keeps its WebAssembly.Memory private; its wasm backend
 * makes that memory while @jax-js/jax is evaluated. ./auto.ts starts watching the constructor just
 * before, ./jax.ts stops just after, and the memory made in between is jax-js's. Its allocator
 * grows the memory and never gives it back (freed buffers wait in lists of one size each), so
 * the size read here is the heap's high-water since the process began; it may reach 4 GiB
 * (memory32) at most.
 */

let original: typeof WebAssembly.Memory | null = null;
const made: WebAssembly.Memory[] = [];
let jaxMemory: WebAssembly.Memory | null = null;

/** Records every WebAssembly.Memory made until endWasmMemoryWatch() (no-op without WebAssembly). */
export function startWasmMemoryWatch(): void {
  if (original || typeof WebAssembly === "undefined") return;
  const Memory = WebAssembly.Memory;
  original = Memory;
  WebAssembly.Memory = new Proxy(Memory, {
    construct(target, args, newTarget) {
      const m = Reflect.construct(
        target,
        args,
        newTarget === WebAssembly.Memory ? target : newTarget,
      );
      made.push(m as WebAssembly.Memory);
      return m;
    },
  });
}

/** Restores the constructor; the one memory made while watching is jax-js's. */
export function endWasmMemoryWatch(): void {
  if (!original) return;
  WebAssembly.Memory = original;
  if (made.length === 1) jaxMemory = made[0]!;
  made.length = 0;
}

/** Bytes of jax-js's wasm heap now, its high-water mark; null where it was not seen being made. */
export function wasmHeapBytes(): number | null {
  return jaxMemory ? jaxMemory.buffer.byteLength : null;
}
