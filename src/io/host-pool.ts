/**
 * Reused host buffers for a streamed load.
 *
 * Loading a checkpoint makes two new float32 arrays per tensor (bf16 → float32, then the
 * transposed copy), and the first write to each page of a fresh array is a page fault: on a 2-core
 * VM, writing a new 235 MB array (one Llama-8B MLP weight) took 1.9 s and writing it again 10 ms.
 * Every layer of a model has the same shapes, so a loader that recycles one layer's arrays
 * once they are on the device touches fresh pages for the first layer only.
 *
 * `withHostPool(pool, fn)` makes `hostFloats` take arrays from `pool` while `fn` runs;
 * `pool.recycle()` then returns every array taken so far for reuse — the caller must hold none of
 * them any more (the device took copies). Outside a pool `hostFloats` is `new Float32Array`.
 * A taken array is not zeroed: its taker writes every element.
 */
export class HostPool {
  private readonly free = new Map<number, Float32Array[]>();
  private taken: Float32Array[] = [];

  take(n: number): Float32Array {
    const a = this.free.get(n)?.pop() ?? new Float32Array(n);
    this.taken.push(a);
    return a;
  }

  /** Everything taken is free again. */
  recycle(): void {
    for (const a of this.taken) {
      const list = this.free.get(a.length);
      if (list) list.push(a);
      else this.free.set(a.length, [a]);
    }
    this.taken = [];
  }

  /** Bytes the pool holds, taken or free. */
  bytes(): number {
    let n = 0;
    for (const a of this.taken) n += a.byteLength;
    for (const list of this.free.values()) for (const a of list) n += a.byteLength;
    return n;
  }
}

let current: HostPool | null = null;

/** Runs `fn` with `hostFloats` drawing from `pool`. */
export function withHostPool<T>(pool: HostPool, fn: () => T): T {
  const outer = current;
  current = pool;
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/** n floats, every one of which the caller will write: from the active pool, else new (zeros). */
export function hostFloats(n: number): Float32Array {
  return current ? current.take(n) : new Float32Array(n);
}
