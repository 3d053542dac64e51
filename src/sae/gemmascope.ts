/**
 * GemmaScope's own layout: one `params.npz` per SAE with W_enc [d_in,d_sae], W_dec [d_sae,d_in],
 * b_enc [d_sae], b_dec [d_in] and a per-latent threshold [d_sae] (some releases spell the weights
 * w_enc / w_dec). JumpReLU without input scaling or b_dec subtraction: pre = x·W_enc + b_enc,
 * f = relu(pre)·[pre > threshold] (GemmaScope's own `mask * relu(pre_acts)`), x̂ = f·W_dec + b_dec.
 * Read only.
 *
 * The archive names no hook. It comes from the `hookName` option, else from GemmaScope's
 * published folders: `gemma-scope-<size>-<pt|it>-<res|mlp|att>/layer_L/width_W/…/params.npz`
 * (also inside a Hugging Face cache folder `models--google--gemma-scope-…`) gives
 * blocks.L.hook_resid_post, blocks.L.hook_mlp_out or blocks.L.attn.hook_z; width_W, when present,
 * must agree with d_sae (16k = 16384, …). Embedding SAEs and transcoders are refused.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { HookNameError, parseHookName } from "../model/hooks.js";
import { openNpz, takeNpzArray } from "./npz.js";
import { SaeError, type Sae, type SaeConfig } from "./types.js";

export const GEMMASCOPE_PARAMS = "params.npz";

export interface GemmaScopeOptions {
  /** The hook the SAE reads (overrides what its folders say). */
  hookName?: string;
}

/** The archive's spellings of each weight, preferred first. */
const ARRAY_NAMES = {
  wEnc: ["W_enc", "w_enc"],
  wDec: ["W_dec", "w_dec"],
  bEnc: ["b_enc"],
  bDec: ["b_dec"],
  threshold: ["threshold"],
} as const;

/** The params.npz of `path` (the archive itself, or a folder holding it), or null. */
export function gemmaScopeParams(path: string): string | null {
  if (path.endsWith(".npz")) return existsSync(path) && statSync(path).isFile() ? path : null;
  const file = join(path, GEMMASCOPE_PARAMS);
  return existsSync(file) ? file : null;
}

/** Reads a GemmaScope SAE from its params.npz or the folder holding it. */
export function readGemmaScope(path: string, opts: GemmaScopeOptions = {}): Sae {
  const { file, weights, dtype, arrayNames } = readGemmaScopeWeights(path);
  const [dIn, dSae] = weights.wEnc.shape as [number, number];
  const published = publishedFolders(file);
  const hookName = hookOf(file, opts.hookName, published);
  checkPublishedWidth(file, arrayNames.wEnc, dSae);
  const config: SaeConfig = {
    architecture: "jumprelu",
    dIn,
    dSae,
    hookName,
    applyBDecToInput: false,
    normalizeActivations: "none",
    activationScale: 1,
    format: "gemmascope",
    dtype,
  };
  if (published.modelName !== undefined) config.modelName = published.modelName;
  return { config, weights, source: dirname(file) };
}

/**
 * The weights of a GemmaScope archive (or the folder holding it), checked against each other,
 * without the hook: for listing SAEs whose folders name none.
 */
export function readGemmaScopeWeights(path: string): {
  file: string;
  weights: Sae["weights"];
  dtype: string;
  arrayNames: { wEnc: string };
} {
  const file = gemmaScopeParams(path);
  if (file === null) throw new SaeError(path, null, `no ${GEMMASCOPE_PARAMS} (GemmaScope) found`);
  const all = new Set<string>(Object.values(ARRAY_NAMES).flat());
  const npz = openNpz(file, (name) => all.has(name));
  for (const name of npz.names) {
    if (!all.has(name)) {
      throw new SaeError(file, name, `unexpected array (expected only ${[...all].join(", ")})`);
    }
  }
  const pick = (key: keyof typeof ARRAY_NAMES) =>
    ARRAY_NAMES[key].find((n) => npz.entries.has(n)) ?? ARRAY_NAMES[key][0];
  const wEnc = takeNpzArray(npz, pick("wEnc"), [null, null]);
  const [dIn, dSae] = wEnc.tensor.shape as [number, number];
  const weights: Sae["weights"] = {
    wEnc: wEnc.tensor,
    wDec: takeNpzArray(npz, pick("wDec"), [dSae, dIn]).tensor,
    bEnc: takeNpzArray(npz, pick("bEnc"), [dSae]).tensor,
    bDec: takeNpzArray(npz, pick("bDec"), [dIn]).tensor,
    threshold: takeNpzArray(npz, pick("threshold"), [dSae]).tensor,
  };
  return { file, weights, dtype: dtypeName(wEnc.dtype), arrayNames: { wEnc: pick("wEnc") } };
}

/** The hook GemmaScope's folders above `file` name, or null. */
export function publishedHook(file: string): string | null {
  try {
    return inferredHook(file, publishedFolders(file));
  } catch (err) {
    if (err instanceof SaeError) return null;
    throw err;
  }
}

interface PublishedFolders {
  /** res, mlp, att, … from `gemma-scope-<size>-<pt|it>-<site>`. */
  site?: string;
  modelName?: string;
  layer?: number;
  /** The folder `width_16k` etc., as written. */
  width?: string;
  embedding: boolean;
}

/** What GemmaScope's folder names above `file` say about it. */
export function publishedFolders(file: string): PublishedFolders {
  const parts = dirname(resolve(file)).split(sep);
  const out: PublishedFolders = { embedding: false };
  for (const part of parts) {
    const release = /gemma-scope-(\d+b)-(pt|it)-([a-z]+?)(?:-canonical)?$/.exec(part);
    if (release) {
      out.site = release[3]!;
      out.modelName = `gemma-2-${release[1]}${release[2] === "it" ? "-it" : ""}`;
    }
    const layer = /^layer_(\d+)$/.exec(part);
    if (layer) out.layer = Number(layer[1]);
    if (/^width_\d+[km]$/.test(part)) out.width = part;
    if (part === "embedding") out.embedding = true;
  }
  return out;
}

const SITE_HOOKS: Record<string, string> = {
  res: "hook_resid_post",
  mlp: "hook_mlp_out",
  att: "attn.hook_z",
};

function hookOf(file: string, explicit: string | undefined, f: PublishedFolders): string {
  const hook = explicit ?? inferredHook(file, f);
  try {
    parseHookName(hook);
  } catch (err) {
    if (err instanceof HookNameError) throw new SaeError(file, "hook_name", err.message);
    throw err;
  }
  return hook;
}

function inferredHook(file: string, f: PublishedFolders): string {
  const need = (reason: string): never => {
    throw new SaeError(
      file,
      "hook_name",
      `${reason}; give the hook explicitly (e.g. --sae-hook blocks.12.hook_resid_post)`,
    );
  };
  if (f.embedding) return need("GemmaScope embedding SAEs are not supported");
  if (f.site === undefined)
    return need(`params.npz names no hook and no folder above it is a GemmaScope release`);
  const kind = SITE_HOOKS[f.site];
  if (kind === undefined)
    return need(`GemmaScope '${f.site}' SAEs are not SAEs of one hook (expected res, mlp or att)`);
  if (f.layer === undefined) return need(`no layer_L folder above ${basename(file)}`);
  return `blocks.${f.layer}.${kind}`;
}

/**
 * SaeError naming `array` unless the width_W folder above `file` (if any) means d_sae: width_16k →
 * 16384, width_1m → 1048576 (GemmaScope's widths are powers of two).
 */
export function checkPublishedWidth(file: string, array: string, dSae: number): void {
  const width = publishedFolders(file).width;
  if (width === undefined) return;
  const m = /^width_(\d+)([km])$/.exec(width)!;
  const approx = Number(m[1]) * (m[2] === "k" ? 1e3 : 1e6);
  const expected = 2 ** Math.round(Math.log2(approx));
  if (expected !== dSae) {
    throw new SaeError(file, array, `d_sae ${dSae} but its folder ${width} means ${expected}`);
  }
}

function dtypeName(npyDtype: string): string {
  return { f4: "float32", f8: "float64", f2: "float16" }[npyDtype] ?? npyDtype;
}
