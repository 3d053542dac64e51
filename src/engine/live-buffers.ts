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

/** Per device: each live slot's reference count and size, and the bytes held now and at most. */
interface Tracker {
  slots: Map<number, { refs: number; bytes: number }>;
  bytes: number;
  peak: number;
}

const trackers = new Map<string, Tracker>();

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

function track(backend: BackendLike): Tracker {
  const t: Tracker = { slots: new Map(), bytes: 0, peak: 0 };
  const { malloc, incRef, decRef } = backend;
  backend.malloc = (size, initial) => {
    const slot = malloc.call(backend, size, initial);
    t.slots.set(slot, { refs: 1, bytes: size });
    t.bytes += size;
    t.peak = Math.max(t.peak, t.bytes);
    return slot;
  };
  backend.incRef = (slot) => {
    incRef.call(backend, slot);
    const e = t.slots.get(slot);
    if (e) e.refs++;
  };
  backend.decRef = (slot) => {
    decRef.call(backend, slot);
    const e = t.slots.get(slot);
    if (!e) return;
    if (--e.refs <= 0) {
      t.slots.delete(slot);
      t.bytes -= e.bytes;
    }
  };
  return t;
}

async function tracker(device: string): Promise<Tracker> {
  let t = trackers.get(device);
  if (!t) {
    t = track(await captureBackend(device));
    trackers.set(device, t);
  }
  return t;
}

/** Starts counting (idempotent per device) and returns a function giving the live count. */
export async function liveBufferCounter(device = "wasm"): Promise<() => number> {
  const t = await tracker(device);
  return () => t.slots.size;
}

/**
 * Bytes held in the device's arrays since counting started: now, and the most at any moment
 * since the last `resetPeak` (the memory a computation needs beyond what it started with).
 */
export async function liveByteCounter(
  device = "wasm",
): Promise<{ bytes: () => number; peak: () => number; resetPeak: () => void }> {
  const t = await tracker(device);
  return { bytes: () => t.bytes, peak: () => t.peak, resetPeak: () => void (t.peak = t.bytes) };
}
