// Module resolve hook for bench/tiles: "@jax-js/jax" resolves to the copy named by
// TRIGSCOPE_JAX_COPY (a file URL of that copy's dist/index.js). Bench-only; src never uses it.
import { register } from "node:module";
import process from "node:process";

if (process.env.TRIGSCOPE_JAX_COPY) {
  register(
    "data:text/javascript," +
      encodeURIComponent(`
        const target = ${JSON.stringify(process.env.TRIGSCOPE_JAX_COPY)};
        export async function resolve(specifier, context, next) {
          if (specifier === "@jax-js/jax") return { url: target, shortCircuit: true };
          return next(specifier, context);
        }`),
  );
}
