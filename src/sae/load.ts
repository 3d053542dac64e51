/**
 * Loading a SAE from a directory in any of the three layouts (detected by its files; a GemmaScope
 * params.npz may also be named directly), and checking that it fits a model: the hook exists in
 * the model and d_in equals the hook's width.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ModelConfig } from "../model/config.js";
import { HookNameError, parseHookName } from "../model/hooks.js";
import { GEMMASCOPE_PARAMS, gemmaScopeParams, readGemmaScope } from "./gemmascope.js";
import { LLAMASCOPE_HYPERPARAMS, readLlamaScope } from "./llamascope.js";
import { SAELENS_CFG, readSaelens } from "./saelens.js";
import { SaeError, type Sae, type SaeConfig, type SaeFormat } from "./types.js";

export interface LoadSaeOptions {
  /** Llama Scope: rewrite the weights so decoder rows are unit-norm (same function). */
  foldDecoderNorms?: boolean;
  /**
   * The hook the SAE reads. GemmaScope's params.npz names none (it is otherwise taken from its
   * folders); the other layouts name theirs, and a different one here is an error.
   */
  hookName?: string;
}
const LOAD_KEYS = new Set(["foldDecoderNorms", "hookName"]);

/** Which layout a directory (or a GemmaScope params.npz) holds, or null. */
export function detectSaeFormat(path: string): SaeFormat | null {
  if (existsSync(join(path, SAELENS_CFG))) return "saelens";
  if (existsSync(join(path, LLAMASCOPE_HYPERPARAMS))) return "llamascope";
  if (gemmaScopeParams(path) !== null) return "gemmascope";
  return null;
}

/** Reads a SAE directory in the SAELens, Llama Scope or GemmaScope layout. */
export function loadSae(path: string, opts: LoadSaeOptions = {}): Sae {
  for (const k of Object.keys(opts)) {
    if (!LOAD_KEYS.has(k)) throw new Error(`loadSae: unknown option '${k}'`);
  }
  const format = detectSaeFormat(path);
  if (format === "gemmascope") {
    return readGemmaScope(path, opts.hookName === undefined ? {} : { hookName: opts.hookName });
  }
  let sae: Sae;
  if (format === "saelens") sae = readSaelens(path);
  else if (format === "llamascope")
    sae = readLlamaScope(path, { foldDecoderNorms: opts.foldDecoderNorms ?? false });
  else
    throw new SaeError(
      path,
      null,
      `not a SAE directory: none of ${SAELENS_CFG} (SAELens), ${LLAMASCOPE_HYPERPARAMS} (Llama Scope) or ${GEMMASCOPE_PARAMS} (GemmaScope) found`,
    );
  if (opts.hookName !== undefined && opts.hookName !== sae.config.hookName) {
    throw new SaeError(
      path,
      "hook_name",
      `the SAE reads ${sae.config.hookName}, not the ${opts.hookName} asked for`,
    );
  }
  return sae;
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
