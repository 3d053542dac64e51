/**
 * The CPU kernel choice: OpenBLAS when it loads, the wasm kernel when the library is absent (a
 * missing path stands in for a machine without libopenblas0), forced kernels, and the CLI line.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { chooseCpuSgemm, describeCpuKernel } from "../../../src/engine/kernels/index.js";
import { loadNativeSgemm } from "../../../src/engine/kernels/native-sgemm.js";

const MISSING = "/nonexistent/libopenblas.so.0";
const nativeHere = loadNativeSgemm().ok;

describe("cpu sgemm choice", () => {
  it("falls back to the wasm kernel, with the reason, when the library is missing", () => {
    const { sgemm, info } = chooseCpuSgemm({ TRIGSCOPE_OPENBLAS: MISSING });
    expect(sgemm.name).toBe("wasm-simd");
    expect(info.kernel).toBe("wasm-simd");
    expect(info.skipped).toHaveLength(1);
    expect(info.skipped[0]).toContain(MISSING);
    const c = new Float32Array(1);
    sgemm.sgemm({ m: 1, n: 1, k: 2, a: new Float32Array([2, 3]), b: new Float32Array([5, 7]), c });
    expect(c[0]).toBe(31);
  });

  it("says 'disabled' for TRIGSCOPE_OPENBLAS=none", () => {
    const { info } = chooseCpuSgemm({ TRIGSCOPE_OPENBLAS: "none" });
    expect(describeCpuKernel(info)).toMatch(/^wasm-simd \(4×8 tile, .*openblas: disabled/);
  });

  it.runIf(nativeHere)("uses OpenBLAS first when it loads", () => {
    const { info } = chooseCpuSgemm({});
    expect(info.kernel).toBe("openblas");
    expect(info.detail).toMatch(/OpenBLAS \d+\.\d+/);
    expect(info.skipped).toEqual([]);
  });

  it("honours a forced kernel and refuses an unavailable or unknown one", () => {
    expect(chooseCpuSgemm({ TRIGSCOPE_CPU_KERNEL: "js" }).sgemm.name).toBe("js");
    expect(() =>
      chooseCpuSgemm({ TRIGSCOPE_CPU_KERNEL: "openblas", TRIGSCOPE_OPENBLAS: MISSING }),
    ).toThrow(/not available: no OpenBLAS could be loaded/);
    expect(() => chooseCpuSgemm({ TRIGSCOPE_CPU_KERNEL: "cuda" })).toThrow(/expected one of/);
  });

  it("`trigscope model info` runs and names the wasm kernel on a machine without the library", () => {
    const run = spawnSync(
      process.execPath,
      ["bin/trigscope.js", "model", "info", "test/fixtures/models/llama"],
      {
        encoding: "utf8",
        env: { ...process.env, TRIGSCOPE_OPENBLAS: MISSING },
      },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^cpu matmul {2}wasm-simd \(.*no OpenBLAS could be loaded/m);
  });
});
