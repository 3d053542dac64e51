/**
 * The bytes of GPU buffers alive on the device jax-js asks for: created and not yet destroyed,
 * whether in use or kept for reuse by jax-js's buffer pool (its WebGPU backend keeps up to 64 freed
 * buffers of each size ≤ 64 MiB and never returns them to the device). nvidia-smi sees this
 * figure plus the driver's own. The audit logs the peak of each stage with the buffer sizes that
 * held most of it, so a run that runs out of memory says in which stage, and in what, it grew.
 */

interface BufferLike {
  destroy(): void;
}
type DeviceLike = { createBuffer(descriptor: { size: number }): BufferLike };

/** Buffers of one size alive at the peak. */
export interface SizeClass {
  bytes: number;
  count: number;
}

export interface GpuMemory {
  /** Bytes of buffers alive now. */
  liveBytes: number;
  /** The most alive at once since the device was made or since `resetGpuMemoryPeak()`. */
  peakBytes: number;
  /** At that peak (within 1%), the sizes holding the most bytes, largest share first. */
  peakSizes: SizeClass[];
}

/** A new peak is described again only when it exceeds the described one by this fraction. */
const SNAPSHOT_STEP = 0.01;
const SIZES_KEPT = 8;

let live = 0;
let peak = 0;
let described = 0;
const bySize = new Map<number, number>();
let peakSizes: SizeClass[] = [];

function describePeak(): void {
  described = peak;
  peakSizes = [...bySize]
    .map(([bytes, count]) => ({ bytes, count }))
    .sort((a, b) => b.bytes * b.count - a.bytes * a.count)
    .slice(0, SIZES_KEPT);
}

function counted(size: number, delta: 1 | -1): void {
  live += delta * size;
  const n = (bySize.get(size) ?? 0) + delta;
  if (n === 0) bySize.delete(size);
  else bySize.set(size, n);
  if (live > peak) {
    peak = live;
    if (peak > described * (1 + SNAPSHOT_STEP)) describePeak();
  }
}

/** `device`, whose buffers are counted from creation to destroy(). */
export function countBuffers<D extends object>(device: D): D {
  const d = device as unknown as DeviceLike;
  const createBuffer = (descriptor: { size: number }) => {
    const buffer = d.createBuffer(descriptor);
    const size = Number(descriptor.size);
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) counted(size, -1);
      destroyed = true;
      destroy();
    };
    counted(size, 1);
    return buffer;
  };
  return new Proxy(device, {
    get(target, prop) {
      if (prop === "createBuffer") return createBuffer;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as () => unknown).bind(target) : value;
    },
  });
}

/** The counted buffers (all zero on a device that is not WebGPU). */
export function gpuMemory(): GpuMemory {
  return { liveBytes: live, peakBytes: peak, peakSizes: peakSizes.map((s) => ({ ...s })) };
}

/** Starts a new peak from what is alive now (at the start of a stage). */
export function resetGpuMemoryPeak(): void {
  peak = live;
  describePeak();
}

/** "peak 48.1 GiB (live 30.2 GiB); at the peak 12 × 64.0 MiB, 40 × 20.0 MiB, …" */
export function describeGpuMemory(m: GpuMemory = gpuMemory()): string {
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const sizes = m.peakSizes.map((s) => `${s.count} × ${mib(s.bytes)}`).join(", ");
  return `peak ${gib(m.peakBytes)} (live now ${gib(m.liveBytes)}); largest sizes at the peak: ${sizes}`;
}
