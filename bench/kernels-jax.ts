/**
 * jax-js's wasm matmul at one shape, for bench/kernels.ts: x[m,k] @ W[k,n], or x @ Wᵀ with W
 * stored [n,k] (a view, as the backward uses it). Each run includes the read back of the result,
 * since that is when jax-js's asynchronous dispatch has finished.
 */
import { initEngine } from "../src/engine/device.js";
import { jit, np, random } from "../src/engine/jax.js";

export interface Runner {
  run(): Promise<void>;
  dispose(): void;
}

/** A jitted matmul with its operands, ready to be timed. */
export async function jaxMatmul(
  [m, k, n]: [number, number, number],
  transB: boolean,
): Promise<Runner> {
  await initEngine("wasm");
  const f = transB
    ? jit((x: np.Array, w: np.Array) => np.matmul(x, w.transpose()))
    : jit((x: np.Array, w: np.Array) => np.matmul(x, w));
  const x = random.normal(random.key(0), [m, k]);
  const w = random.normal(random.key(1), transB ? [n, k] : [k, n]);
  return {
    run: async () => void (await f(x.ref, w.ref).data()),
    dispose: () => {
      x.dispose();
      w.dispose();
      f.dispose();
    },
  };
}
