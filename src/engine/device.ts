/**
 * Device selection: `wasm` (default, multi-threaded through the Worker shim) or `webgpu` through
 * the `webgpu` npm package (Dawn's Node binding) where a GPU adapter exists.
 */
import { createRequire } from "node:module";
import { defaultDevice, init } from "./jax.js";
import { watchGpu } from "./gpu-faults.js";

export type DeviceName = "wasm" | "webgpu" | "cpu";

export class DeviceUnavailableError extends Error {
  constructor(
    readonly device: DeviceName,
    reason: string,
  ) {
    super(`device ${device} is not available: ${reason}`);
    this.name = "DeviceUnavailableError";
  }
}

let current: DeviceName | null = null;

async function installWebGpu(): Promise<void> {
  // Node 20 has no navigator; polyfills.ts may have set one without a GPU.
  const nav: { gpu?: unknown } = (globalThis.navigator as Navigator | undefined) ?? {};
  if (nav.gpu) return;
  let mod: { create: (flags: string[]) => unknown; globals?: Record<string, unknown> };
  try {
    // `webgpu` is CommonJS with a native addon; loaded only when a GPU is asked for.
    const require = createRequire(import.meta.url);
    mod = require(process.env.TRIGSCOPE_WEBGPU_MODULE ?? "webgpu") as typeof mod;
  } catch (err) {
    throw new DeviceUnavailableError("webgpu", `cannot load the 'webgpu' package (${String(err)})`);
  }
  // jax-js's WebGPU backend also uses the WebGPU globals (GPUBufferUsage, GPUMapMode, …), which
  // Node lacks ("GPUBufferUsage is not defined"); the webgpu package exports them.
  for (const [name, value] of Object.entries(mod.globals ?? {})) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  const flags = (process.env.TRIGSCOPE_DAWN_FLAGS ?? "").split(",").filter(Boolean);
  Object.defineProperty(globalThis, "navigator", {
    value: { ...nav, gpu: watchGpu(mod.create(flags) as object) },
    configurable: true,
    writable: true,
  });
}

/** Starts the engine on the named device (idempotent for the same device). */
export async function initEngine(device: DeviceName = "wasm"): Promise<DeviceName> {
  if (current === device) return device;
  if (device === "webgpu") await installWebGpu();
  const available = (await init()) as string[];
  if (!available.includes(device)) {
    throw new DeviceUnavailableError(device, `jax-js found only [${available.join(", ")}]`);
  }
  defaultDevice(device);
  if (device === "webgpu") webGpuLimits = await readWebGpuLimits();
  current = device;
  return device;
}

export function currentDevice(): DeviceName {
  return current ?? "wasm";
}

/** What one device can hold: its largest buffer, its largest shader binding, its memory if known. */
export interface DeviceLimits {
  device: DeviceName;
  /** Bytes of the largest single buffer. */
  maxBufferBytes: number;
  /** Bytes of the largest buffer a kernel can bind (WebGPU's maxStorageBufferBindingSize). */
  maxBindingBytes: number;
  /** All memory the arrays can use, when the device says (wasm: its 4 GiB address space). */
  memoryBytes: number | null;
}

/** wasm32's address space: every array of the wasm backend lives in one 4 GiB memory. */
export const WASM_MEMORY_BYTES = 4 * 2 ** 30;

let webGpuLimits: DeviceLimits | null = null;

/**
 * The current device's limits. WebGPU reports buffer and binding limits through its adapter (read
 * when the engine starts on it) but not how much memory the GPU has (memoryBytes null); wasm holds
 * everything in one 4 GiB memory.
 */
export function deviceLimits(): DeviceLimits {
  const device = currentDevice();
  if (device === "webgpu" && webGpuLimits) return webGpuLimits;
  return {
    device,
    maxBufferBytes: WASM_MEMORY_BYTES,
    maxBindingBytes: WASM_MEMORY_BYTES,
    memoryBytes: WASM_MEMORY_BYTES,
  };
}

async function readWebGpuLimits(): Promise<DeviceLimits> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) throw new DeviceUnavailableError("webgpu", "no adapter to read limits from");
  return {
    device: "webgpu",
    maxBufferBytes: Number(adapter.limits.maxBufferSize),
    maxBindingBytes: Number(adapter.limits.maxStorageBufferBindingSize),
    memoryBytes: null,
  };
}

type GpuLike = {
  requestAdapter(): Promise<{
    limits: { maxBufferSize: number | bigint; maxStorageBufferBindingSize: number | bigint };
  } | null>;
};
