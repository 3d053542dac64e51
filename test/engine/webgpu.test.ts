/**
 * Asking for WebGPU where there is no GPU adapter (this machine, CI) fails with a typed error that
 * says what was found, instead of crashing or silently running on the CPU.
 */
import { expect, it } from "vitest";
import { DeviceUnavailableError, initEngine } from "../../src/engine/device.js";

it("initEngine('webgpu') without a GPU throws DeviceUnavailableError naming the devices found", async () => {
  const err = await initEngine("webgpu").then(
    () => null,
    (e: unknown) => e,
  );
  if (err === null) {
    // A machine with a GPU adapter: then the device really is webgpu.
    const { currentDevice } = await import("../../src/engine/device.js");
    expect(currentDevice()).toBe("webgpu");
    return;
  }
  expect(err).toBeInstanceOf(DeviceUnavailableError);
  expect((err as Error).message).toMatch(/device webgpu is not available/);
});
