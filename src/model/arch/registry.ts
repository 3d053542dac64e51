/** Architecture registry: a plain map; `registerArch` throws on duplicates. */
import type { Architecture } from "../config.js";
import { gemmaSpec } from "./gemma.js";
import { gpt2Spec } from "./gpt2.js";
import { llamaSpec } from "./llama.js";
import type { ArchSpec } from "./spec.js";

const specs = new Map<Architecture, ArchSpec>();

export function registerArch(name: Architecture, spec: ArchSpec): void {
  if (specs.has(name)) throw new Error(`architecture '${name}' is registered twice`);
  specs.set(name, spec);
}

export function archSpec(name: Architecture): ArchSpec {
  const spec = specs.get(name);
  if (!spec) throw new Error(`no architecture '${name}' is registered`);
  return spec;
}

// Qwen2 and Qwen3 share Llama's tensor names; their differences (q/k/v biases, q/k norms) are
// config flags that llamaSpec reads.
registerArch("llama", llamaSpec);
registerArch("qwen2", llamaSpec);
registerArch("qwen3", llamaSpec);
registerArch("gpt2", gpt2Spec);
registerArch("gemma2", gemmaSpec);
registerArch("gemma3", gemmaSpec);
