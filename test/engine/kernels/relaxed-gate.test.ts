/**
 * The gate that keeps jax-js off relaxed SIMD (so its numbers match Node 20's) unless
 * TRIGSCOPE_RELAXED_SIMD=1, while trigscope's own kernels still see the runtime's real answer.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { realValidate, usesRelaxedSimd } from "../../../src/engine/kernels/relaxed-gate.js";
import { gemmModule } from "../../../src/engine/kernels/wasm-gemm-module.js";

const fmaModule = gemmModule({ mr: 4, nr: 8, fma: true });
const plainModule = gemmModule({ mr: 4, nr: 8, fma: false });

/** In a fresh node: install the gate (with `env`), then what validate and realValidate say about the FMA kernel. */
function probe(env: Record<string, string>): { gated: boolean; validate: boolean; real: boolean } {
  const code = [
    "const g = await import('./src/engine/kernels/relaxed-gate.ts');",
    "const m = await import('./src/engine/kernels/wasm-gemm-module.ts');",
    "const bytes = m.gemmModule({ mr: 4, nr: 8, fma: true });",
    "const gated = g.installRelaxedSimdGate();",
    "console.log(JSON.stringify({ gated, validate: WebAssembly.validate(bytes), real: g.realValidate(bytes) }));",
  ].join("\n");
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return JSON.parse(run.stdout) as { gated: boolean; validate: boolean; real: boolean };
}

describe("relaxed SIMD gate", () => {
  it("recognises relaxed-SIMD instructions in module bytes", () => {
    expect(usesRelaxedSimd(fmaModule)).toBe(true);
    expect(usesRelaxedSimd(plainModule)).toBe(false);
    expect(realValidate(plainModule)).toBe(true);
  });

  it("hides relaxed SIMD from WebAssembly.validate by default, not from realValidate", () => {
    const off = probe({ TRIGSCOPE_RELAXED_SIMD: "" });
    expect(off.gated).toBe(true);
    expect(off.validate).toBe(false);
    expect(off.real).toBe(realValidate(fmaModule));
  });

  it("leaves WebAssembly.validate alone with TRIGSCOPE_RELAXED_SIMD=1", () => {
    const on = probe({ TRIGSCOPE_RELAXED_SIMD: "1" });
    expect(on.gated).toBe(false);
    expect(on.validate).toBe(on.real);
  });
});
