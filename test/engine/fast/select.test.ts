/**
 * Engine selection: "auto" by default, taking the fast path only for the Llama family on a CPU
 * device and saying why otherwise (a model's own blocker included), "jax" when asked, "fast"
 * refusing what it cannot run by name.
 */
import { describe, expect, it } from "vitest";
import { FastUnsupportedError } from "../../../src/engine/fast/model.js";
import { selectEngine } from "../../../src/engine/fast/select.js";
import { tinyConfig } from "../../model/random-model.js";

describe("selectEngine", () => {
  const llama = tinyConfig("llama");
  const gpt2 = tinyConfig("gpt2");
  const gemma = tinyConfig("gemma2");

  it("defaults to auto; jax when asked", () => {
    expect(selectEngine(undefined, llama, "wasm")).toEqual({
      engine: "fast",
      reason: "fast (auto: llama on wasm)",
    });
    expect(selectEngine("jax", llama, "wasm")).toEqual({
      engine: "jax",
      reason: "jax (requested)",
    });
  });

  it.each(["llama", "qwen2", "qwen3"] as const)("auto takes fast for %s on the CPU", (a) => {
    for (const device of ["wasm", "cpu"] as const) {
      const d = selectEngine("auto", tinyConfig(a), device);
      expect(d.engine).toBe("fast");
      expect(d.reason).toBe(`fast (auto: ${a} on ${device})`);
    }
  });

  it("auto keeps jax on webgpu and for other families, and says why", () => {
    expect(selectEngine("auto", llama, "webgpu").reason).toMatch(/jax \(auto: .*webgpu is opt-in/);
    expect(selectEngine("auto", gpt2, "wasm")).toEqual({
      engine: "jax",
      reason: "jax (auto: architecture 'gpt2' is not implemented (only llama, qwen2, qwen3))",
    });
    expect(selectEngine("auto", gemma, "wasm").engine).toBe("jax");
  });

  it("fast refuses what it cannot run", () => {
    expect(selectEngine("fast", llama, "wasm").engine).toBe("fast");
    expect(() => selectEngine("fast", gpt2, "wasm")).toThrow(FastUnsupportedError);
    expect(selectEngine("fast", llama, "webgpu")).toEqual({
      engine: "fast",
      reason: "fast (requested: llama on webgpu, WGSL kernels)",
    });
    expect(() => selectEngine("fast", gpt2, "webgpu")).toThrow(FastUnsupportedError);
    const capped = { ...llama, attnSoftcap: 50 };
    expect(() => selectEngine("fast", capped, "wasm")).toThrow(/attention soft cap/);
  });

  it("rejects an unknown choice", () => {
    expect(() => selectEngine("torch" as never, llama, "wasm")).toThrow(/expected one of/);
  });
});
