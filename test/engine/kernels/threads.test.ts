/**
 * The wasm sgemm split over threads gives the same bits as one thread (each element of C is still
 * summed by one thread in one order), for every split of the B panels between 2 and 3 threads.
 */
import { describe, expect, it } from "vitest";
import { createWasmSgemm } from "../../../src/engine/kernels/wasm-sgemm.js";
import { operands, runCase, worstError } from "./gemm-check.js";

describe("wasm sgemm on several threads", () => {
  const one = createWasmSgemm({ threads: 1 });
  const many = [createWasmSgemm({ threads: 2 }), createWasmSgemm({ threads: 3 })];

  it.each([false, true])("equals one thread bit for bit (transB %s)", (transB) => {
    // 2·m·n·k above the split threshold; n = 8·13 + 5 leaves a partial panel to one thread.
    const c = { m: 37, n: 109, k: 3000, transA: false, transB, alpha: 1, beta: 0, pad: 1 };
    const args = operands(c, 11);
    const ref = runCase(one, args);
    expect(worstError(args, ref.before, ref.got)).toBeLessThanOrEqual(3);
    for (const kernel of many) {
      expect(kernel.threads).toBeGreaterThan(1);
      expect(
        Buffer.from(runCase(kernel, args).got.buffer).equals(Buffer.from(ref.got.buffer)),
      ).toBe(true);
    }
  });
});
