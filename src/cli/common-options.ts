/**
 * Options that several commands share, declared once so their names, defaults and checks agree
 * everywhere: --device, --engine, --json, --seed, --out.
 */
import { ENGINE_CHOICES } from "../model/engine-select.js";
import type { OptionDef } from "./options.js";

export const DEVICE = {
  type: "string",
  choices: ["wasm", "webgpu"],
  default: "wasm",
  description: "where the engine runs",
} as const satisfies OptionDef;

/** --engine: jax-js, trigscope's fast path, or the fast path wherever it covers the call. */
export const ENGINE = {
  type: "string",
  choices: ENGINE_CHOICES,
  default: "auto",
  description:
    "forwards and steering gradients: jax, fast (on webgpu: WGSL kernels), or auto (fast where it can, on a CPU)",
} as const satisfies OptionDef;

/** --device for commands that must know whether it was given: unset unless given (wasm then). */
export const DEVICE_IF_GIVEN = {
  type: "string",
  choices: DEVICE.choices,
  defaultText: "wasm",
  description: DEVICE.description,
} as const satisfies OptionDef;

export const JSON_OUT = {
  type: "boolean",
  description: "print the result as JSON on stdout",
} as const satisfies OptionDef;

export const SEED = {
  type: "integer",
  default: 1,
  description: "random seed",
} as const satisfies OptionDef;

/** A count of something: an integer ≥ 1, with its default. */
export function count(description: string, dflt: number) {
  return { type: "integer", min: 1, default: dflt, description } as const;
}
