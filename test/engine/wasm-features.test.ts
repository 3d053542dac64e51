import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { RELAXED_SIMD_FLAG, relaxedSimdAvailable } from "../../src/engine/wasm-features.js";

const probe = (nodeArgs: string[]) =>
  spawnSync(
    process.execPath,
    [
      ...nodeArgs,
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      "const m = await import('./src/engine/wasm-features.ts'); console.log(m.relaxedSimdAvailable());",
    ],
    { encoding: "utf8" },
  );

describe("relaxed SIMD detection (jax-js's fused multiply-add matmuls)", () => {
  it("is seen in a node started with the flag, and matches this process without it", () => {
    const on = probe([RELAXED_SIMD_FLAG]);
    expect(on.stderr).not.toMatch(/bad option|unrecognized/i);
    expect(on.stdout.trim()).toBe("true");
    const off = probe([]);
    expect(off.stdout.trim()).toBe(String(relaxedSimdAvailable()));
  });
});
