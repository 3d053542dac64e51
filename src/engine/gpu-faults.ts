/**
 * Errors the GPU reports on its own time, turned into an error the run stops on.
 *
 * WebGPU reports a failed allocation or an invalid command asynchronously, as an "uncaptured
 * error" event on the device; jax-js only prints it. The computation goes on with invalid buffers
 * and every later result is garbage: an audit of a Llama-3.1-8B-sized model on an H200 ran out of
 * memory in SAE-Attribution and then printed ~1,200 such errors for three minutes while its stages
 * "finished" (2026-12-05). This records the first error of the device jax-js asks for, and
 * `throwIfGpuFault` — called where results are read back to the host — stops the run there, saying
 * what the GPU said and what to try.
 */
import { countBuffers } from "./gpu-memory.js";

/** The GPU's first asynchronous error, and how many followed it. */
export interface GpuFault {
  message: string;
  outOfMemory: boolean;
  count: number;
}

export class GpuFaultError extends Error {
  constructor(
    readonly fault: GpuFault,
    readonly where: string,
  ) {
    const more = fault.count > 1 ? ` (and ${fault.count - 1} errors after it)` : "";
    const hint = fault.outOfMemory
      ? "the GPU ran out of memory: use fewer or shorter prompts, a smaller model, or a GPU with more memory"
      : "this is a fault of the GPU backend; results computed after it are not valid";
    super(`the GPU failed before ${where}: ${fault.message.split("\n")[0]}${more}; ${hint}`);
    this.name = "GpuFaultError";
  }
}

let fault: GpuFault | null = null;

type EventTargetLike = {
  addEventListener(type: string, listener: (event: { error?: { message?: string } }) => void): void;
};
type AdapterLike = { requestDevice(descriptor?: unknown): Promise<EventTargetLike> };
type GpuLike = { requestAdapter(options?: unknown): Promise<AdapterLike | null> };

function record(message: string): void {
  if (fault) {
    fault.count++;
    return;
  }
  fault = {
    message,
    outOfMemory: /out of (device )?memory|OUT_OF_DEVICE_MEMORY/i.test(message),
    count: 1,
  };
}

/** Every method of a native object, called on the object itself (a Proxy's `this` is the proxy). */
function bound<T extends object>(target: T, override: Partial<Record<keyof T, unknown>>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop in override) return override[prop as keyof T];
      const value = Reflect.get(t, prop, t) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}

/** `gpu` (navigator.gpu) whose devices report their uncaptured errors to `gpuFault()`. */
export function watchGpu<G extends object>(gpu: G): G {
  const g = gpu as unknown as GpuLike;
  return bound(gpu, {
    requestAdapter: async (options?: unknown) => {
      const adapter = await g.requestAdapter(options);
      if (!adapter) return adapter;
      return bound(adapter, {
        requestDevice: async (descriptor?: unknown) => {
          const device = await adapter.requestDevice(descriptor);
          device.addEventListener("uncapturederror", (event) =>
            record(event.error?.message ?? "unknown GPU error"),
          );
          return countBuffers(device);
        },
      });
    },
  } as Partial<Record<keyof G, unknown>>);
}

/** The first asynchronous GPU error since the engine started (or since `clearGpuFault`). */
export function gpuFault(): GpuFault | null {
  return fault;
}

/** Forgets a recorded fault (tests; a caller that has handled it). */
export function clearGpuFault(): void {
  fault = null;
}

/** Throws GpuFaultError if the GPU has reported an error; `where` names what was being read. */
export function throwIfGpuFault(where: string): void {
  if (fault) throw new GpuFaultError(fault, where);
}
