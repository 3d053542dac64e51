import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { relaxedSimdOptIn } from "../../src/engine/wasm-features.js";

/** What jax-js would see in a fresh node (the engine's side-effect import installs the gate first). */
const probe = (nodeArgs: string[], env: Record<string, string>) =>
  spawnSync(
    process.execPath,
    [
      ...nodeArgs,
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      "await import('./src/engine/auto.ts'); const m = await import('./src/engine/wasm-features.ts'); console.log(m.relaxedSimdAvailable());",
    ],
    { encoding: "utf8", env: { ...process.env, TRIGSCOPE_RELAXED_SIMD: "", ...env } },
  );

describe("relaxed SIMD detection (jax-js's fused multiply-add matmuls)", () => {
  it("is seen with the opt-in (flag and/or TRIGSCOPE_RELAXED_SIMD=1 as this Node needs)", () => {
    const optIn = relaxedSimdOptIn();
    const on = probe(optIn.nodeArgs, optIn.env);
    expect(on.stderr).not.toMatch(/bad option|unrecognized/i);
    expect(on.stdout.trim()).toBe("true");
  });

  it("is hidden from jax-js by default on every Node version", () => {
    const off = probe([], {});
    expect(off.stderr).toBe("");
    expect(off.stdout.trim()).toBe("false");
  });

  it("asks for the flag only before Node 21", () => {
    expect(relaxedSimdOptIn("20.20.2").nodeArgs).toEqual(["--experimental-wasm-relaxed-simd"]);
    expect(relaxedSimdOptIn("24.22.3").nodeArgs).toEqual([]);
  });
});
