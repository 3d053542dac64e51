/**
 * `--sae-hook HOOK`: the hook a SAE reads, for the commands that load one (`sae label`,
 * `sae eval`, `audit`). GemmaScope's params.npz names no hook and its folders may not either;
 * for the layouts that name theirs, a different hook is an error from the loader.
 */
import type { LoadSaeOptions } from "../sae/load.js";

export const SAE_HOOK = {
  type: "string",
  value: "HOOK",
  defaultText: "the one the SAE names",
  description: "the hook the SAE reads",
} as const;

export function saeHookOption(flag: string | undefined): LoadSaeOptions {
  return flag === undefined ? {} : { hookName: flag };
}
