/**
 * The page's stand-in for src/engine/auto.ts (swapped in by ../build.ts): Node needs polyfills
 * installed before jax-js loads; a browser has Worker, navigator and WebGPU natively.
 */
export {};
