/** Side-effect module: installs the Node polyfills before @jax-js/jax is evaluated. */
import { installPolyfills } from "./polyfills.js";

installPolyfills({ threads: Number(process.env.TRIGSCOPE_THREADS) || undefined });
