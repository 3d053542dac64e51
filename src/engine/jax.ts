/**
 * The one re-export of @jax-js/jax. The polyfill side-effect import must stay first so it runs
 * before jax-js is evaluated.
 */
import "./auto.js";

export * from "@jax-js/jax";
export { numpy as np, nn, lax, random } from "@jax-js/jax";
