import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // jax-js's wasm pool holds 2 threads per process: one test file at a time keeps 2 cores busy.
    poolOptions: { forks: { singleFork: false, maxForks: 1, minForks: 1 } },
    fileParallelism: false,
  },
});
