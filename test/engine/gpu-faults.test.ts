/**
 * A GPU's asynchronous errors stop the run where results are read back (src/engine/gpu-faults.ts),
 * instead of being printed while every later result is garbage. Driven through a fake navigator.gpu
 * that delivers "uncapturederror" events the way Dawn does.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import {
  clearGpuFault,
  gpuFault,
  GpuFaultError,
  throwIfGpuFault,
  watchGpu,
} from "../../src/engine/gpu-faults.js";
import { np } from "../../src/engine/jax.js";
import { toHost } from "../../src/model/run.js";

type Listener = (event: { error: { message: string } }) => void;

function fakeGpu() {
  const listeners: Listener[] = [];
  const device = {
    addEventListener(type: string, l: Listener) {
      if (type === "uncapturederror") listeners.push(l);
    },
  };
  const adapter = {
    limits: { maxBufferSize: 1024 },
    requestDevice: async () => device,
  };
  const gpu = { requestAdapter: async () => adapter, getPreferredCanvasFormat: () => "rgba8unorm" };
  const fire = (message: string) => listeners.forEach((l) => l({ error: { message } }));
  return { gpu, fire };
}

const OOM =
  "vkAllocateMemory failed with VK_ERROR_OUT_OF_DEVICE_MEMORY\n - While calling [Device].CreateBuffer";

beforeAll(async () => {
  await initEngine("wasm");
});
afterEach(() => clearGpuFault());

describe("GPU faults", () => {
  it("records the first uncaptured error of a device, counts the rest, and stops on it", async () => {
    const { gpu, fire } = fakeGpu();
    const watched = watchGpu(gpu);
    expect(watched.getPreferredCanvasFormat()).toBe("rgba8unorm");
    const adapter = (await watched.requestAdapter())!;
    expect(adapter.limits.maxBufferSize).toBe(1024);
    await adapter.requestDevice();
    expect(() => throwIfGpuFault("anything")).not.toThrow();
    fire(OOM);
    fire("[Invalid Buffer (unlabeled)] is invalid due to a previous error.");
    expect(gpuFault()).toMatchObject({ outOfMemory: true, count: 2 });
    let error: unknown;
    try {
      throwIfGpuFault("reading back a steering gradient");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GpuFaultError);
    expect((error as Error).message).toBe(
      "the GPU failed before reading back a steering gradient: vkAllocateMemory failed with " +
        "VK_ERROR_OUT_OF_DEVICE_MEMORY (and 1 errors after it); the GPU ran out of memory: use " +
        "fewer or shorter prompts, a smaller model, or a GPU with more memory",
    );
  });

  it("names an error that is not about memory as a backend fault", async () => {
    const { gpu, fire } = fakeGpu();
    await (await watchGpu(gpu).requestAdapter())!.requestDevice();
    fire("[Invalid BindGroup] is invalid");
    expect(() => throwIfGpuFault("x")).toThrow(/fault of the GPU backend/);
  });

  it("makes reading a result back fail once a fault is recorded", async () => {
    const { gpu, fire } = fakeGpu();
    await (await watchGpu(gpu).requestAdapter())!.requestDevice();
    expect((await toHost(np.ones([2]))).data).toEqual(Float32Array.from([1, 1]));
    fire(OOM);
    await expect(toHost(np.ones([2]))).rejects.toThrow(GpuFaultError);
  });
});
