/**
 * The Llama Scope layout (as published: `<release>/Llama3_1-8B-Base-L{L}{R,A,M}-{8,32}x/`):
 * `hyperparams.json` + `checkpoints/final.safetensors` with nn.Linear tensors encoder.weight
 * [d_sae,d_in], encoder.bias [d_sae], decoder.weight [d_in,d_sae], decoder.bias [d_in]. JumpReLU
 * with a scalar threshold θ and a dataset-wise activation norm:
 * s = √d_model / dataset_average_activation_norm.in; encode pre = (s·x)·W_enc + b_enc, gate where
 * pre > θ·s, decode (f·W_dec + b_dec)/s. With sparsity_include_decoder_norm (true in the published
 * files, and Language-Model-SAEs' default when absent) that library gates on pre·‖d_i‖, d_i the
 * latent's decoder row, so latent i's threshold is θ·s/‖d_i‖ (the two agree when the rows are
 * unit-norm). Read only.
 *
 * hyperparams keys read: d_model, d_sae (or expansion_factor; both must agree), hook_point_in
 * (= hook_point_out: transcoders, e.g. ln2.hook_normalized → hook_mlp_out, are rejected), act_fn
 * (jumprelu), jump_relu_threshold, norm_activation (dataset-wise, or none/inference for s = 1),
 * dataset_average_activation_norm.in (or keyed by the hook, as later Language-Model-SAEs writes
 * it), apply_decoder_bias_to_pre_encoder, use_decoder_bias,
 * sparsity_include_decoder_norm, model_name. Others (top_k, …) are training metadata and ignored.
 *
 * The decoder rows are not unit-norm; `foldDecoderNorms` rewrites the weights so that they are
 * (same function). Cosines always use `unitDecoderRows`.
 */
import { join } from "node:path";
import {
  hookNameField,
  saeFields,
  openWeights,
  readJsonObject,
  rejectUnexpected,
  show,
  storedDtype,
  takeTensor,
} from "./fields.js";
import { foldDecoderNorms } from "./fold.js";
import type { HostTensor, Sae, SaeConfig } from "./types.js";

export const LLAMASCOPE_HYPERPARAMS = "hyperparams.json";
export const LLAMASCOPE_WEIGHTS = join("checkpoints", "final.safetensors");

export interface LlamaScopeOptions {
  /** Rewrite the weights so decoder rows are unit-norm (same function). Default false. */
  foldDecoderNorms?: boolean;
}

/** The parsed hyperparameters: the config (s included) and the published scalar threshold. */
export function parseLlamaScopeConfig(json: Record<string, unknown>, file: string): SaeConfig {
  const r = saeFields(json, file);
  const dIn = r.posInt("d_model");
  const expansion =
    r.present("expansion_factor") !== undefined ? r.posInt("expansion_factor") : null;
  const dSae =
    r.present("d_sae") !== undefined ? r.posInt("d_sae") : dIn * r.posInt("expansion_factor");
  if (expansion !== null && dSae !== dIn * expansion) {
    r.fail("d_sae", `${dSae} is not d_model × expansion_factor (${dIn} × ${expansion})`);
  }
  const hookName = hookNameField(r, "hook_point_in");
  const out = r.string("hook_point_out");
  if (out !== undefined && out !== hookName) {
    r.fail(
      "hook_point_out",
      `${show(out)} differs from hook_point_in (transcoders are not supported)`,
    );
  }
  const act = r.present("act_fn") ?? "jumprelu";
  if (act !== "jumprelu") r.fail("act_fn", `expected "jumprelu", got ${show(act)}`);
  const threshold = r.finite("jump_relu_threshold");
  const norm = r.present("norm_activation") ?? "dataset-wise";
  let activationScale = 1;
  let normalizeActivations: SaeConfig["normalizeActivations"] = "none";
  if (norm === "dataset-wise") {
    const avg =
      r.nested("dataset_average_activation_norm") ??
      r.fail("dataset_average_activation_norm", "missing (needed by dataset-wise norm)");
    // Llama Scope writes {in, out}; later Language-Model-SAEs versions key the norms by hook.
    const key =
      avg.present("in") === undefined && avg.present(hookName) !== undefined ? hookName : "in";
    const normIn = avg.finite(key);
    if (normIn <= 0) avg.fail(key, `expected a positive number, got ${normIn}`);
    activationScale = Math.sqrt(dIn) / normIn;
    normalizeActivations = "dataset";
  } else if (norm !== "none" && norm !== "inference") {
    r.fail("norm_activation", `expected "dataset-wise", "inference" or "none", got ${show(norm)}`);
  }
  const config: SaeConfig = {
    architecture: "jumprelu",
    dIn,
    dSae,
    hookName,
    applyBDecToInput: r.bool("apply_decoder_bias_to_pre_encoder", false),
    normalizeActivations,
    activationScale,
    threshold,
    format: "llamascope",
  };
  const modelName = r.string("model_name");
  if (modelName !== undefined) config.modelName = modelName;
  if (!r.bool("use_decoder_bias", true) && config.applyBDecToInput) {
    r.fail("apply_decoder_bias_to_pre_encoder", "true while use_decoder_bias is false");
  }
  return config;
}

function transpose(t: HostTensor): HostTensor {
  const [rows, cols] = t.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = t.data[i * cols + j]!;
  return { shape: [cols, rows], data: out };
}

/**
 * θ·s for every latent, divided by the latent's decoder norm when the gate includes it (a zero
 * decoder row never contributes, so its latent keeps θ·s).
 */
function latentThresholds(
  config: SaeConfig,
  wDec: HostTensor,
  decoderNormGate: boolean,
): HostTensor {
  const { dSae, dIn } = config;
  const base = config.threshold! * config.activationScale;
  const data = new Float32Array(dSae).fill(base);
  if (decoderNormGate) {
    for (let i = 0; i < dSae; i++) {
      let ss = 0;
      for (let j = 0; j < dIn; j++) ss += wDec.data[i * dIn + j]! ** 2;
      if (ss > 0) data[i] = base / Math.sqrt(ss);
    }
  }
  return { shape: [dSae], data };
}

/** Reads a Llama Scope SAE directory. */
export function readLlamaScope(dir: string, opts: LlamaScopeOptions = {}): Sae {
  const hpFile = join(dir, LLAMASCOPE_HYPERPARAMS);
  const json = readJsonObject(hpFile);
  const config = parseLlamaScopeConfig(json, hpFile);
  const useBias = saeFields(json, hpFile).bool("use_decoder_bias", true);
  const file = join(dir, LLAMASCOPE_WEIGHTS);
  const st = openWeights(file);
  const { dIn, dSae } = config;
  const names = ["encoder.weight", "encoder.bias", "decoder.weight"];
  if (useBias) names.push("decoder.bias");
  rejectUnexpected(st, file, names);
  const wDec = transpose(takeTensor(st, file, "decoder.weight", [dIn, dSae]));
  const decoderNormGate = saeFields(json, hpFile).bool("sparsity_include_decoder_norm", true);
  const sae: Sae = {
    config,
    weights: {
      wEnc: transpose(takeTensor(st, file, "encoder.weight", [dSae, dIn])),
      bEnc: takeTensor(st, file, "encoder.bias", [dSae]),
      wDec,
      bDec: useBias
        ? takeTensor(st, file, "decoder.bias", [dIn])
        : { shape: [dIn], data: new Float32Array(dIn) },
      threshold: latentThresholds(config, wDec, decoderNormGate),
    },
    source: dir,
  };
  const dtype = storedDtype(st);
  if (dtype !== undefined) config.dtype = dtype;
  return opts.foldDecoderNorms ? foldDecoderNorms(sae) : sae;
}
