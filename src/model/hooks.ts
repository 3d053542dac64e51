/**
 * Hook point names, as TransformerLens spells them, built by typed helpers and parsed in one place.
 *
 * Conventions (documented in README and test/fixtures/README.md):
 * - `hook_embed`: the token embedding only (GPT-2's learned positions are added after it).
 * - `attn.hook_q|k|v`: projection outputs (bias included) as [B,T,H|Hkv,K], before q/k-norm and RoPE.
 * - `attn.hook_z`: per-head attention output before the output projection, [B,T,H,K].
 * - `attn.hook_pattern`: attention probabilities [B,H,Tq,Tk].
 * - `ln_final.hook_normalized`: the final norm's input normalised, before its weight (and bias).
 * - Layer ℓ's `hook_resid_post` equals HF `hidden_states[ℓ+1]` (before the final norm).
 */
export type BlockHookKind =
  | "hook_resid_pre"
  | "hook_resid_mid"
  | "hook_resid_post"
  | "hook_attn_out"
  | "hook_mlp_out"
  | "attn.hook_q"
  | "attn.hook_k"
  | "attn.hook_v"
  | "attn.hook_z"
  | "attn.hook_pattern";

export const BLOCK_HOOK_KINDS: readonly BlockHookKind[] = [
  "hook_resid_pre",
  "hook_resid_mid",
  "hook_resid_post",
  "hook_attn_out",
  "hook_mlp_out",
  "attn.hook_q",
  "attn.hook_k",
  "attn.hook_v",
  "attn.hook_z",
  "attn.hook_pattern",
];

export type GlobalHookName = "hook_embed" | "ln_final.hook_normalized";
export type HookName = GlobalHookName | `blocks.${number}.${BlockHookKind}`;

export type ParsedHook =
  { kind: GlobalHookName; layer: null } | { kind: BlockHookKind; layer: number };

export class HookNameError extends Error {
  constructor(
    readonly hookName: string,
    reason: string,
  ) {
    super(`hook '${hookName}': ${reason}`);
    this.name = "HookNameError";
  }
}

export function blockHook(layer: number, kind: BlockHookKind): HookName {
  if (!Number.isInteger(layer) || layer < 0)
    throw new HookNameError(`blocks.${layer}.${kind}`, "bad layer");
  return `blocks.${layer}.${kind}`;
}

export const residPost = (layer: number): HookName => blockHook(layer, "hook_resid_post");

/** Parses a hook name; with `nLayers`, also checks the layer exists. */
export function parseHookName(name: string, nLayers?: number): ParsedHook {
  if (name === "hook_embed" || name === "ln_final.hook_normalized")
    return { kind: name, layer: null };
  const prefix = "blocks.";
  if (!name.startsWith(prefix)) throw new HookNameError(name, "unknown hook point");
  const dot = name.indexOf(".", prefix.length);
  const layerText = name.slice(prefix.length, dot);
  const kind = name.slice(dot + 1) as BlockHookKind;
  const layer = Number(layerText);
  if (dot < 0 || layerText === "" || !/^\d+$/.test(layerText) || !BLOCK_HOOK_KINDS.includes(kind)) {
    throw new HookNameError(name, "unknown hook point");
  }
  if (nLayers !== undefined && layer >= nLayers) {
    throw new HookNameError(name, `layer ${layer} out of range (model has ${nLayers} layers)`);
  }
  return { kind, layer };
}

/** Every hook point of a model with `nLayers` layers, in forward order. */
export function allHookNames(nLayers: number): HookName[] {
  const out: HookName[] = ["hook_embed"];
  for (let l = 0; l < nLayers; l++) for (const k of BLOCK_HOOK_KINDS) out.push(blockHook(l, k));
  out.push("ln_final.hook_normalized");
  return out;
}
