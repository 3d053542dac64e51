/**
 * Loading a SAE from a directory in either layout (detected by its files), and checking that it
 * fits a model: the hook exists in the model and d_in equals the hook's width.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ModelConfig } from "../model/config.js";
import { HookNameError, parseHookName } from "../model/hooks.js";
import { LLAMASCOPE_HYPERPARAMS, readLlamaScope, type LlamaScopeOptions } from "./llamascope.js";
import { SAELENS_CFG, readSaelens } from "./saelens.js";
import { SaeError, type Sae, type SaeConfig, type SaeFormat } from "./types.js";

/** Which layout a directory holds, or null. */
export function detectSaeFormat(dir: string): SaeFormat | null {
  if (existsSync(join(dir, SAELENS_CFG))) return "saelens";
  if (existsSync(join(dir, LLAMASCOPE_HYPERPARAMS))) return "llamascope";
  return null;
}

/** Reads a SAE directory in the SAELens or Llama Scope layout. */
export function loadSae(dir: string, opts: LlamaScopeOptions = {}): Sae {
  const format = detectSaeFormat(dir);
  if (format === "saelens") return readSaelens(dir);
  if (format === "llamascope") return readLlamaScope(dir, opts);
  throw new SaeError(
    dir,
    null,
    `not a SAE directory: neither ${SAELENS_CFG} (SAELens) nor ${LLAMASCOPE_HYPERPARAMS} (Llama Scope) found`,
  );
}

/**
 * Throws SaeError unless the SAE's hook exists in the model and its d_in equals the width of
 * the activation there (d_model for residual/attn_out/mlp_out hooks, heads × d_head for
 * attn.hook_q/k/v/z).
 */
export function checkSaeForModel(
  sae: { config: SaeConfig; source?: string },
  model: ModelConfig,
): void {
  const { hookName, dIn } = sae.config;
  const source = sae.source ?? `SAE at ${hookName}`;
  let kind: string;
  try {
    kind = parseHookName(hookName, model.nLayers).kind;
  } catch (err) {
    if (err instanceof HookNameError) throw new SaeError(source, "hook_name", err.message);
    throw err;
  }
  let width: number;
  let what: string;
  switch (kind) {
    case "attn.hook_pattern":
      throw new SaeError(source, "hook_name", `cannot splice a SAE at ${hookName}`);
    case "attn.hook_q":
    case "attn.hook_z":
      width = model.nHeads * model.dHead;
      what = `n_heads × d_head (${model.nHeads} × ${model.dHead} = ${width})`;
      break;
    case "attn.hook_k":
    case "attn.hook_v":
      width = model.nKvHeads * model.dHead;
      what = `n_kv_heads × d_head (${model.nKvHeads} × ${model.dHead} = ${width})`;
      break;
    default:
      width = model.dModel;
      what = `d_model (${width})`;
  }
  if (dIn !== width) {
    throw new SaeError(
      source,
      "d_in",
      `SAE d_in (${dIn}) does not match the model's ${what} at ${hookName}` +
        ` (d_model ${model.dModel})`,
    );
  }
}
