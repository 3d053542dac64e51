/** Side-effect module: installs the Node polyfills before @jax-js/jax is evaluated. */
import { installRelaxedSimdGate } from "./kernels/relaxed-gate.js";
import { installPolyfills } from "./polyfills.js";
import { startWasmMemoryWatch } from "./wasm-heap.js";

// Same jax-js numbers on every Node version unless TRIGSCOPE_RELAXED_SIMD=1 (kernels/relaxed-gate.ts).
installRelaxedSimdGate();
installPolyfills({ threads: Number(process.env.TRIGSCOPE_THREADS) || undefined });
// The memory jax-js's wasm backend makes next is its heap (wasm-heap.ts; ./jax.ts ends the watch).
startWasmMemoryWatch();
