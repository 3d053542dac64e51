/**
 * Counting live device buffers, to test that code returns every array it creates. jax-js keeps
 * its backends private; `devicePut` hands the backend to `Array#_put`, so we catch it there once
 * and wrap its public malloc/incRef/decRef with a reference count of our own per slot.
 */
import { Array as JaxArray, devicePut, np } from "./jax.js";

interface BackendLike {
  malloc: (size: number, initial?: Uint8Array) => number;
  incRef: (slot: number) => void;
  decRef: (slot: number) => void;
}

const trackers = new Map<string, Map<number, number>>();

async function captureBackend(device: string): Promise<BackendLike> {
  const proto = JaxArray.prototype as unknown as { _put: (b: BackendLike) => Promise<unknown> };
  const original = proto._put;
  let captured: BackendLike | null = null;
  proto._put = function (this: unknown, backend: BackendLike) {
    captured = backend;
    return original.call(this, backend);
  };
  try {
    const moved = await devicePut(np.zeros([1]), device as "wasm");
    (moved as JaxArray).dispose();
  } finally {
    proto._put = original;
  }
  if (!captured) throw new Error(`could not reach the ${device} backend`);
  return captured;
}

/** Starts counting (idempotent per device) and returns a function giving the live count. */
export async function liveBufferCounter(device = "wasm"): Promise<() => number> {
  let refs = trackers.get(device);
  if (!refs) {
    const live = new Map<number, number>();
    const backend = await captureBackend(device);
    const { malloc, incRef, decRef } = backend;
    backend.malloc = (size, initial) => {
      const slot = malloc.call(backend, size, initial);
      live.set(slot, 1);
      return slot;
    };
    backend.incRef = (slot) => {
      incRef.call(backend, slot);
      const r = live.get(slot);
      if (r !== undefined) live.set(slot, r + 1);
    };
    backend.decRef = (slot) => {
      decRef.call(backend, slot);
      const r = live.get(slot);
      if (r === undefined) return;
      if (r <= 1) live.delete(slot);
      else live.set(slot, r - 1);
    };
    trackers.set(device, live);
    refs = live;
  }
  const map = refs;
  return () => map.size;
}
