/// <reference types="@webgpu/types" />
/**
 * Storage buffers kept between passes, by byte size. A steering step or forward at an 8B model's
 * shapes makes a few hundred scratch buffers of up to hundreds of MiB and frees them at its end;
 * the next step makes the same sizes again. Creating and destroying them each time costs the
 * driver a memory allocation and release per buffer; from the pool a recorder takes a buffer of
 * the same size and clears it on the GPU instead (recorder.ts), so a pass sees the same zeroed
 * buffers either way and its results are the same bits.
 *
 * The pool holds at most `capBytes` (buffers given back beyond it are destroyed) and nothing
 * while `enabled` is false; `clear()` gives everything back to the device.
 */

/** Default cap on what the pool keeps: the scratch of one steering step at 8B shapes is ~2 GiB. */
export const DEFAULT_POOL_BYTES = 4 * 2 ** 30;

export class ScratchPool {
  enabled = true;
  capBytes = DEFAULT_POOL_BYTES;
  private readonly free = new Map<number, GPUBuffer[]>();
  private held = 0;

  /** A kept buffer of exactly `bytes`, or undefined. */
  take(bytes: number): GPUBuffer | undefined {
    if (!this.enabled) return undefined;
    const b = this.free.get(bytes)?.pop();
    if (b) this.held -= bytes;
    return b;
  }

  /** Keeps `buf` for a later take(), or destroys it when disabled or beyond the cap. */
  give(buf: GPUBuffer): void {
    const bytes = buf.size;
    if (!this.enabled || this.held + bytes > this.capBytes) {
      buf.destroy();
      return;
    }
    const list = this.free.get(bytes) ?? [];
    list.push(buf);
    this.free.set(bytes, list);
    this.held += bytes;
  }

  /** Bytes kept now. */
  get heldBytes(): number {
    return this.held;
  }

  /** Destroys every kept buffer. */
  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.held = 0;
  }
}
