/**
 * The SAELens layout: `cfg.json` + `sae_weights.safetensors` (W_enc [d_in,d_sae], W_dec
 * [d_sae,d_in], b_enc [d_sae], b_dec [d_in], threshold [d_sae] for jumprelu). Read and write.
 *
 * cfg keys read: architecture (standard, jumprelu, topk; older files say activation_fn_str
 * "topk" instead), d_in, d_sae, hook_name (also under metadata), k (also as activation_fn_kwargs.k),
 * apply_b_dec_to_input (default true, as SAELens), normalize_activations (none or
 * expected_average_only_in: SAELens folds that scaling into the weights when it saves),
 * model_name (also under metadata), dtype. Runtime per-token normalisations and head-index hooks
 * are rejected. F32/F16/BF16 weights are upcast to float32.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "../io/atomic.js";
import { writeSafetensors } from "../io/safetensors.js";
import {
  hookNameField,
  saeFields,
  type SaeFields,
  openWeights,
  readJsonObject,
  rejectUnexpected,
  show,
  storedDtype,
  takeTensor,
} from "./fields.js";
import { foldActivationScale } from "./fold.js";
import {
  SAE_ARCHITECTURES,
  SaeError,
  type Sae,
  type SaeArchitecture,
  type SaeConfig,
  type SaeNormalization,
} from "./types.js";

export const SAELENS_CFG = "cfg.json";
export const SAELENS_WEIGHTS = "sae_weights.safetensors";

/** Reads a SAELens SAE directory. */
export function readSaelens(dir: string): Sae {
  const cfgFile = join(dir, SAELENS_CFG);
  const config = parseSaelensConfig(readJsonObject(cfgFile), cfgFile);
  const file = join(dir, SAELENS_WEIGHTS);
  const st = openWeights(file);
  const { dIn, dSae } = config;
  const names = ["W_enc", "W_dec", "b_enc", "b_dec"];
  if (config.architecture === "jumprelu") names.push("threshold");
  rejectUnexpected(st, file, names);
  const weights: Sae["weights"] = {
    wEnc: takeTensor(st, file, "W_enc", [dIn, dSae]),
    wDec: takeTensor(st, file, "W_dec", [dSae, dIn]),
    bEnc: takeTensor(st, file, "b_enc", [dSae]),
    bDec: takeTensor(st, file, "b_dec", [dIn]),
  };
  if (config.architecture === "jumprelu") {
    weights.threshold = takeTensor(st, file, "threshold", [dSae]);
  }
  const dtype = storedDtype(st);
  if (dtype !== undefined && config.dtype === undefined) config.dtype = dtype;
  return { config, weights, source: dir };
}

/** Normalises a parsed cfg.json; `file` is named in errors. */
export function parseSaelensConfig(json: Record<string, unknown>, file: string): SaeConfig {
  const r = saeFields(json, file);
  const meta = r.nested("metadata");
  const architecture = parseArchitecture(r);
  const dIn = r.posInt("d_in");
  const dSae = r.posInt("d_sae");
  const hookKey = r.present("hook_name") !== undefined || meta === null ? r : meta;
  const hookName = hookNameField(hookKey, "hook_name");
  const head = r.present("hook_head_index");
  if (head !== undefined)
    r.fail("hook_head_index", `per-head SAEs are not supported, got ${show(head)}`);
  const config: SaeConfig = {
    architecture,
    dIn,
    dSae,
    hookName,
    applyBDecToInput: r.bool("apply_b_dec_to_input", true),
    normalizeActivations: parseNormalization(r),
    activationScale: 1,
    format: "saelens",
  };
  if (architecture === "topk") config.k = parseK(r, dSae);
  const modelName = r.string("model_name") ?? meta?.string("model_name");
  if (modelName !== undefined) config.modelName = modelName;
  const dtype = r.string("dtype");
  if (dtype !== undefined) config.dtype = dtype;
  return config;
}

function parseArchitecture(r: SaeFields): SaeArchitecture {
  const arch = r.present("architecture") ?? "standard";
  if (!SAE_ARCHITECTURES.includes(arch as SaeArchitecture)) {
    r.fail("architecture", `expected one of ${SAE_ARCHITECTURES.join(", ")}, got ${show(arch)}`);
  }
  for (const key of ["activation_fn_str", "activation_fn"]) {
    const fn = r.present(key);
    if (fn === undefined || fn === "relu") continue;
    if (fn === "topk" && (arch === "standard" || arch === "topk")) return "topk";
    r.fail(key, `expected "relu" or "topk", got ${show(fn)} (architecture ${show(arch)})`);
  }
  return arch as SaeArchitecture;
}

function parseK(r: SaeFields, dSae: number): number {
  const kwargs = r.nested("activation_fn_kwargs");
  const direct = r.present("k") !== undefined ? r.posInt("k") : undefined;
  const nested = kwargs?.present("k") !== undefined ? kwargs.posInt("k") : undefined;
  if (direct !== undefined && nested !== undefined && direct !== nested) {
    r.fail("k", `${direct} disagrees with activation_fn_kwargs.k (${nested})`);
  }
  const k = direct ?? nested ?? r.fail("k", "missing (topk needs k or activation_fn_kwargs.k)");
  if (k > dSae) r.fail("k", `${k} exceeds d_sae (${dSae})`);
  return k;
}

function parseNormalization(r: SaeFields): SaeNormalization {
  const v = r.present("normalize_activations") ?? "none";
  if (v === "none" || v === "expected_average_only_in") return v;
  return r.fail(
    "normalize_activations",
    `expected "none" or "expected_average_only_in", got ${show(v)} (runtime normalisations are not supported)`,
  );
}

/**
 * Writes a SAE in the SAELens layout (float32). An activation scale s ≠ 1 (Llama Scope) is folded
 * into the weights first, so SAELens computes the same function (up to float rounding); SAEs
 * with s = 1 round-trip exactly.
 */
export function writeSaelens(dir: string, sae: Sae): void {
  const folded = sae.config.activationScale === 1 ? sae : foldActivationScale(sae);
  const c = folded.config;
  const w = folded.weights;
  mkdirSync(dir, { recursive: true });
  const cfg: Record<string, unknown> = {
    architecture: c.architecture,
    d_in: c.dIn,
    d_sae: c.dSae,
    hook_name: c.hookName,
    apply_b_dec_to_input: c.applyBDecToInput,
    normalize_activations: c.normalizeActivations === "dataset" ? "none" : c.normalizeActivations,
    dtype: "float32",
  };
  if (c.architecture === "topk") cfg.k = c.k;
  if (c.modelName !== undefined) cfg.model_name = c.modelName;
  const tensors: Parameters<typeof writeSafetensors>[1] = {
    W_enc: { dtype: "F32", shape: w.wEnc.shape, data: w.wEnc.data },
    W_dec: { dtype: "F32", shape: w.wDec.shape, data: w.wDec.data },
    b_enc: { dtype: "F32", shape: w.bEnc.shape, data: w.bEnc.data },
    b_dec: { dtype: "F32", shape: w.bDec.shape, data: w.bDec.data },
  };
  if (c.architecture === "jumprelu") {
    if (!w.threshold)
      throw new SaeError(sae.source, "threshold", "jumprelu SAE without thresholds");
    tensors.threshold = { dtype: "F32", shape: w.threshold.shape, data: w.threshold.data };
  }
  writeSafetensors(join(dir, SAELENS_WEIGHTS), tensors);
  writeJsonAtomic(join(dir, SAELENS_CFG), cfg);
}
