/// <reference types="@webgpu/types" />
/**
 * The WebGPU device the fast GPU path runs on, and the few things every kernel needs of it:
 * storage buffers (upload, zeroed scratch, read back), pipelines compiled once per WGSL source,
 * and a recorder that encodes a pass's dispatches into one command buffer. The device is asked
 * for the adapter's largest buffer limits (Dawn's defaults cap a binding at 128 MiB, less than
 * one MLP matrix of an 8B model). `gpuContext()` returns null where no adapter exists, so callers
 * and tests can say so instead of failing.
 */
import { createRequire } from "node:module";
import type { GpuProfiler } from "./profile.js";
import { ScratchPool } from "./scratch-pool.js";

/** A float32 (or u32) vector on the GPU: `size` elements of 4 bytes. */
export interface GpuTensor {
  buf: GPUBuffer;
  size: number;
}

export interface GpuContext {
  device: GPUDevice;
  /** The adapter's description, for reports ("llvmpipe: Mesa 25.0.7 …", "NVIDIA H100 …"). */
  adapterName: string;
  /** Largest buffer a kernel may bind, in bytes. */
  maxBindingBytes: number;
  /** Whether the device may time passes (the adapter's `timestamp-query` feature). */
  timestamps: boolean;
  /** Scratch buffers kept between passes (scratch-pool.ts). */
  scratch: ScratchPool;
  /** While set, every recorder times its dispatches into it (profile.ts). */
  profiler: GpuProfiler | null;
  pipeline(code: string): GPUComputePipeline;
}

const STORAGE = 0x80 | 0x08 | 0x04; // STORAGE | COPY_DST | COPY_SRC

let pending: Promise<GpuContext | null> | undefined;

/** navigator.gpu, installing the `webgpu` package's binding (as device.ts does) when Node lacks it. */
function navigatorGpu(): GPU | null {
  const nav = globalThis.navigator as { gpu?: GPU } | undefined;
  if (nav?.gpu) return nav.gpu;
  let mod: { create: (flags: string[]) => GPU; globals?: Record<string, unknown> };
  try {
    const require = createRequire(import.meta.url);
    mod = require(process.env.TRIGSCOPE_WEBGPU_MODULE ?? "webgpu") as typeof mod;
  } catch {
    return null;
  }
  for (const [name, value] of Object.entries(mod.globals ?? {})) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  const flags = (process.env.TRIGSCOPE_DAWN_FLAGS ?? "").split(",").filter(Boolean);
  const gpu = mod.create(flags);
  Object.defineProperty(globalThis, "navigator", {
    value: { ...(nav ?? {}), gpu },
    configurable: true,
    writable: true,
  });
  return gpu;
}

async function openContext(): Promise<GpuContext | null> {
  const gpu = navigatorGpu();
  const adapter = await gpu?.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) return null;
  const limits = adapter.limits;
  const timestamps = adapter.features.has("timestamp-query");
  const device = await adapter.requestDevice({
    requiredFeatures: timestamps ? ["timestamp-query"] : [],
    requiredLimits: {
      maxBufferSize: limits.maxBufferSize,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    },
  });
  const info = adapter.info as { description?: string; vendor?: string; device?: string };
  const pipelines = new Map<string, GPUComputePipeline>();
  return {
    device,
    adapterName: info.description || [info.vendor, info.device].filter(Boolean).join(" ") || "?",
    maxBindingBytes: Number(limits.maxStorageBufferBindingSize),
    timestamps,
    scratch: new ScratchPool(),
    profiler: null,
    pipeline(code) {
      let p = pipelines.get(code);
      if (!p) {
        const module = device.createShaderModule({ code });
        p = device.createComputePipeline({
          layout: "auto",
          compute: { module, entryPoint: "main" },
        });
        pipelines.set(code, p);
      }
      return p;
    },
  };
}

/** The shared GPU context, or null when this machine has no WebGPU adapter. */
export function gpuContext(): Promise<GpuContext | null> {
  pending ??= openContext().catch(() => null);
  return pending;
}

/** Why there is no GPU context (for skipped tests and refusals), or null when there is one. */
export async function gpuUnavailableReason(): Promise<string | null> {
  return (await gpuContext()) ? null : "no WebGPU adapter (the 'webgpu' package found none)";
}

/** The bytes of a storage buffer of `size` 4-byte elements (rounded up to 16, at least 16). */
export const storageBytes = (size: number) => Math.max(16, Math.ceil((size * 4) / 16) * 16);

/** A zeroed storage buffer of `size` 4-byte elements. */
export function gpuZeros(ctx: GpuContext, size: number): GpuTensor {
  const bytes = storageBytes(size);
  if (bytes > ctx.maxBindingBytes) {
    throw new Error(
      `gpu: a buffer of ${size} floats (${bytes} bytes) exceeds the device's binding limit of ${ctx.maxBindingBytes} bytes`,
    );
  }
  return { buf: ctx.device.createBuffer({ size: bytes, usage: STORAGE }), size };
}

/** A storage buffer holding `data` (float32 or int32/uint32 bits). */
export function gpuUpload(
  ctx: GpuContext,
  data: Float32Array | Int32Array | Uint32Array,
): GpuTensor {
  const t = gpuZeros(ctx, data.length);
  ctx.device.queue.writeBuffer(t.buf, 0, data.buffer, data.byteOffset, data.byteLength);
  return t;
}

/** The tensor's first `count` values, after every submitted command has run. */
export async function gpuRead(
  ctx: GpuContext,
  t: GpuTensor,
  count = t.size,
): Promise<Float32Array> {
  return (await gpuReadAll(ctx, [t], [count]))[0]!;
}

/**
 * Several tensors' values (the first counts[i] of each; by default all) through one staging buffer
 * and one map, after every submitted command has run.
 */
export async function gpuReadAll(
  ctx: GpuContext,
  ts: readonly GpuTensor[],
  counts: readonly number[] = ts.map((t) => t.size),
): Promise<Float32Array[]> {
  const offsets: number[] = [];
  let total = 0;
  counts.forEach((c, i) => {
    if (c > ts[i]!.size) throw new Error(`gpu: reading ${c} values of a tensor of ${ts[i]!.size}`);
    offsets.push(total);
    total += storageBytes(c);
  });
  const staging = ctx.device.createBuffer({
    size: Math.max(16, total),
    usage: 0x0001 | 0x0008, // MAP_READ | COPY_DST
  });
  const enc = ctx.device.createCommandEncoder();
  ts.forEach((t, i) =>
    enc.copyBufferToBuffer(t.buf, 0, staging, offsets[i]!, storageBytes(counts[i]!)),
  );
  ctx.device.queue.submit([enc.finish()]);
  await staging.mapAsync(0x0001);
  const all = staging.getMappedRange(0, Math.max(16, total)).slice(0);
  staging.unmap();
  staging.destroy();
  return counts.map((c, i) => new Float32Array(all, offsets[i]!, c));
}
