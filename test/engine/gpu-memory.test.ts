/**
 * The GPU buffer counter on a fake device: bytes alive, the peak and the sizes that held it, a
 * buffer destroyed twice counted once, and a new peak after a reset.
 */
import { expect, it } from "vitest";
import {
  countBuffers,
  describeGpuMemory,
  gpuMemory,
  resetGpuMemoryPeak,
} from "../../src/engine/gpu-memory.js";

function fakeDevice() {
  const destroyed: number[] = [];
  return {
    destroyed,
    label: "fake",
    createBuffer: ({ size }: { size: number }) => ({ size, destroy: () => destroyed.push(size) }),
    other(this: { label: string }) {
      return this.label;
    },
  };
}

it("counts live bytes, the peak and its sizes, and starts a new peak on reset", () => {
  const raw = fakeDevice();
  const device = countBuffers(raw);
  const base = gpuMemory().liveBytes;
  resetGpuMemoryPeak();
  const a = [1, 2, 3].map(() => device.createBuffer({ size: 1 << 20 }));
  const big = device.createBuffer({ size: 8 << 20 });
  expect(gpuMemory().liveBytes - base).toBe(11 << 20);
  big.destroy();
  big.destroy();
  expect(raw.destroyed).toEqual([8 << 20, 8 << 20]);
  const m = gpuMemory();
  expect(m.liveBytes - base).toBe(3 << 20);
  expect(m.peakBytes - base).toBe(11 << 20);
  expect(m.peakSizes[0]).toEqual({ bytes: 8 << 20, count: 1 });
  expect(m.peakSizes[1]).toEqual({ bytes: 1 << 20, count: 3 });
  expect(describeGpuMemory(m)).toMatch(/1 × 8\.0 MiB, 3 × 1\.0 MiB/);
  resetGpuMemoryPeak();
  expect(gpuMemory().peakBytes - base).toBe(3 << 20);
  for (const b of a) b.destroy();
  expect(gpuMemory().liveBytes).toBe(base);
  expect(device.other()).toBe("fake");
});
