/**
 * The one re-export of @jax-js/jax. The polyfill side-effect import must stay first so it runs
 * before jax-js is evaluated.
 */
import "./auto.js";
import { endWasmMemoryWatch } from "./wasm-heap.js";

export * from "@jax-js/jax";
export { numpy as np, nn, lax, random } from "@jax-js/jax";

// @jax-js/jax is evaluated by now: the memory it made is its wasm heap (wasm-heap.ts).
endWasmMemoryWatch();
