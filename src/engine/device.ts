/**
 * Device selection: `wasm` (default, multi-threaded through the Worker shim) or `webgpu` through
 * the `webgpu` npm package (Dawn's Node binding) where a GPU adapter exists.
 */
import { createRequire } from "node:module";
import { defaultDevice, init } from "./jax.js";

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
  const nav = (globalThis as unknown as { navigator?: Record<string, unknown> }).navigator ?? {};
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
    value: { ...nav, gpu: mod.create(flags) },
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
  current = device;
  return device;
}

export function currentDevice(): DeviceName {
  return current ?? "wasm";
}
