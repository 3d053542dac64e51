/**
 * LoRA adapters in the PEFT layout: `adapter_config.json` (peft_type "LORA", r, lora_alpha,
 * target_modules, layers_to_transform, use_rslora, base_model_name_or_path, …) and
 * `adapter_model.safetensors` with `base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight`
 * [r, in] and `….lora_B.weight` [out, r] (nn.Linear layout). Upstream key names live only here.
 * Config problems are ConfigError (file and field), tensor problems SafetensorsError (file and
 * tensor). Options that change the computation in ways we do not implement (DoRA, per-module rank
 * or alpha patterns, fan_in_fan_out, biases, modules_to_save) are refused.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { ModelConfig } from "./model-config.js";
import {
  LORA_TARGETS,
  loraDims,
  loraScale,
  type LoraConfig,
  type LoraHostMatrix,
  type LoraHostTensors,
  type LoraTarget,
} from "./lora-config.js";
import { writeJsonAtomic } from "./atomic.js";
import { CONFIG_FILE } from "./config.js";
import { tensorToFloat32 } from "./dtypes.js";
import { readJsonObject } from "./json-file.js";
import { ConfigError, SafetensorsError } from "./errors.js";
import { readSafetensors, writeSafetensors, type TensorToWrite } from "./safetensors.js";

export const ADAPTER_CONFIG_FILE = "adapter_config.json";
export const ADAPTER_WEIGHTS_FILE = "adapter_model.safetensors";

/** Target → module path inside a Llama decoder layer. */
export const PEFT_MODULES: Record<LoraTarget, string> = {
  q: "self_attn.q_proj",
  k: "self_attn.k_proj",
  v: "self_attn.v_proj",
  o: "self_attn.o_proj",
  gate: "mlp.gate_proj",
  up: "mlp.up_proj",
  down: "mlp.down_proj",
};

const moduleName = (t: LoraTarget): string =>
  PEFT_MODULES[t].slice(PEFT_MODULES[t].indexOf(".") + 1);

/** The base checkpoint's weight name of a target, e.g. `model.layers.3.self_attn.q_proj.weight`. */
export function baseWeightName(layer: number, target: LoraTarget): string {
  return `model.layers.${layer}.${PEFT_MODULES[target]}.weight`;
}

/** The adapter file's tensor name, e.g. `base_model.model.model.layers.3.mlp.up_proj.lora_A.weight`. */
export function peftTensorName(layer: number, target: LoraTarget, which: "A" | "B"): string {
  return `base_model.model.model.layers.${layer}.${PEFT_MODULES[target]}.lora_${which}.weight`;
}

export interface PeftAdapter {
  /** Absolute path of the adapter directory. */
  dir: string;
  config: LoraConfig;
  /** alpha / r, or alpha / √r with rsLoRA. */
  scale: number;
  /** base_model_name_or_path as written (null when absent). */
  baseModel: string | null;
  /** A [r, in], B [out, r] per layer (key: index as a string) and target. */
  tensors: LoraHostTensors;
}

export interface PeftAdapterToWrite {
  config: LoraConfig;
  tensors: LoraHostTensors;
  baseModel: string;
}

/** Writes adapter_config.json and adapter_model.safetensors (float32) into `dir` (created). */
export function writePeftAdapter(dir: string, adapter: PeftAdapterToWrite): void {
  const { config: c, tensors } = adapter;
  mkdirSync(dir, { recursive: true });
  const weightsFile = join(dir, ADAPTER_WEIGHTS_FILE);
  const out: Record<string, TensorToWrite> = {};
  const layers = [...c.layers].sort((x, y) => x - y);
  for (const l of layers) {
    for (const t of c.targets) {
      const m = tensors[String(l)]?.[t];
      if (!m)
        throw new SafetensorsError(weightsFile, peftTensorName(l, t, "A"), "no tensors given");
      for (const [which, x] of [
        ["A", m.a],
        ["B", m.b],
      ] as const) {
        out[peftTensorName(l, t, which)] = { dtype: "F32", shape: x.shape, data: x.data };
      }
    }
  }
  writeSafetensors(weightsFile, out, { format: "pt" });
  writeJsonAtomic(join(dir, ADAPTER_CONFIG_FILE), {
    peft_type: "LORA",
    task_type: "CAUSAL_LM",
    base_model_name_or_path: adapter.baseModel,
    r: c.rank,
    lora_alpha: c.alpha,
    lora_dropout: 0,
    target_modules: LORA_TARGETS.filter((t) => c.targets.includes(t)).map(moduleName),
    layers_to_transform: layers,
    bias: "none",
    fan_in_fan_out: false,
    inference_mode: true,
    use_rslora: c.useRslora ?? false,
    init_lora_weights: true,
    modules_to_save: null,
  });
}

/** True when `dir` holds adapter_config.json and no config.json (an adapter, not a model). */
export function isAdapterDir(dir: string): boolean {
  return isFile(join(dir, ADAPTER_CONFIG_FILE)) && !isFile(join(dir, CONFIG_FILE));
}

/**
 * The base model directory an adapter names in base_model_name_or_path, resolved against the
 * adapter directory when relative. ConfigError on that field when it is absent or not a model.
 */
export function resolveAdapterBase(adapterDir: string): string {
  const file = join(resolve(adapterDir), ADAPTER_CONFIG_FILE);
  const json = readJsonObject(file, ConfigError);
  const base = json.base_model_name_or_path;
  const field = "base_model_name_or_path";
  if (typeof base !== "string" || base === "") {
    throw new ConfigError(file, field, `must name the base model directory, got ${show(base)}`);
  }
  const path = isAbsolute(base) ? base : resolve(adapterDir, base);
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new ConfigError(file, field, `base model ${show(base)} not found (looked for ${path})`);
  }
  if (!isFile(join(path, CONFIG_FILE))) {
    throw new ConfigError(file, field, `${path} has no ${CONFIG_FILE}, so it is not a base model`);
  }
  return path;
}

/**
 * Reads and validates an adapter. With `model`, the layers and every tensor shape are checked
 * against it too (and an absent layers_to_transform means every layer).
 */
export function readPeftAdapter(dir: string, model?: ModelConfig): PeftAdapter {
  const abs = resolve(dir);
  const configFile = join(abs, ADAPTER_CONFIG_FILE);
  const weightsFile = join(abs, ADAPTER_WEIGHTS_FILE);
  const json = readJsonObject(configFile, ConfigError);
  const fail = (field: string, reason: string): never => {
    throw new ConfigError(configFile, field, reason);
  };
  if (json.peft_type !== "LORA") fail("peft_type", `must be "LORA", got ${show(json.peft_type)}`);
  const rank = json.r;
  if (typeof rank !== "number" || !Number.isSafeInteger(rank) || rank <= 0) {
    return fail("r", `must be a positive integer, got ${show(rank)}`);
  }
  const alpha = json.lora_alpha ?? 8;
  if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha <= 0) {
    return fail("lora_alpha", `must be a positive number, got ${show(alpha)}`);
  }
  const useRslora: unknown = json.use_rslora ?? false;
  if (typeof useRslora !== "boolean")
    fail("use_rslora", `must be a boolean, got ${show(useRslora)}`);
  refuseUnsupported(json, fail);
  const targets = parseTargets(json.target_modules, fail);
  let layers = parseLayers(json.layers_to_transform, fail);
  if (model && layers) {
    const bad = layers.find((l) => l >= model.nLayers);
    if (bad !== undefined)
      fail("layers_to_transform", `layer ${bad} ≥ the model's ${model.nLayers}`);
  }
  if (!isFile(weightsFile)) {
    const bin = isFile(join(abs, "adapter_model.bin"))
      ? " (found adapter_model.bin: convert it)"
      : "";
    throw new SafetensorsError(weightsFile, null, `missing${bin}`);
  }
  const file = readSafetensors(weightsFile);
  if (!layers) {
    layers = model
      ? Array.from({ length: model.nLayers }, (_, i) => i)
      : layersInFile([...file.tensors.keys()]);
  }
  const config: LoraConfig = {
    rank,
    alpha,
    layers,
    targets,
    ...(useRslora === true ? { useRslora: true } : {}),
  };
  const tensors = readTensors(file.tensors, weightsFile, config, model);
  const base = json.base_model_name_or_path;
  return {
    dir: abs,
    config,
    scale: loraScale(config),
    baseModel: typeof base === "string" ? base : null,
    tensors,
  };
}

type Fail = (field: string, reason: string) => never;

function refuseUnsupported(json: Record<string, unknown>, fail: Fail): void {
  const set = (v: unknown) =>
    v !== undefined &&
    v !== null &&
    v !== false &&
    !(typeof v === "object" && !Object.keys(v).length);
  if (set(json.use_dora)) fail("use_dora", "DoRA is not supported");
  if (set(json.rank_pattern)) fail("rank_pattern", "per-module ranks are not supported");
  if (set(json.alpha_pattern)) fail("alpha_pattern", "per-module alphas are not supported");
  if (set(json.fan_in_fan_out)) fail("fan_in_fan_out", "must be false (nn.Linear layout)");
  if (set(json.modules_to_save)) fail("modules_to_save", "extra trained modules are not supported");
  if (set(json.layer_replication)) fail("layer_replication", "is not supported");
  if (set(json.lora_bias)) fail("lora_bias", "is not supported");
  if (json.bias !== undefined && json.bias !== "none")
    fail("bias", `must be "none", got ${show(json.bias)}`);
}

function parseTargets(value: unknown, fail: Fail): LoraTarget[] {
  if (!Array.isArray(value) || value.length === 0) {
    return fail("target_modules", `must be a non-empty list of module names, got ${show(value)}`);
  }
  const found = new Set<LoraTarget>();
  for (const name of value) {
    const t = LORA_TARGETS.find((x) => moduleName(x) === name);
    if (!t) {
      const known = LORA_TARGETS.map(moduleName).join(", ");
      fail("target_modules", `unknown target module ${show(name)} (supported: ${known})`);
    }
    found.add(t!);
  }
  return LORA_TARGETS.filter((t) => found.has(t));
}

function parseLayers(value: unknown, fail: Fail): number[] | null {
  if (value === undefined || value === null) return null;
  const list = Array.isArray(value) ? value : [value];
  const ok = (l: unknown) => typeof l === "number" && Number.isSafeInteger(l) && l >= 0;
  if (list.length === 0 || !list.every(ok)) {
    fail("layers_to_transform", `must be a layer index or a list of them, got ${show(value)}`);
  }
  const layers = [...new Set(list as number[])].sort((a, b) => a - b);
  if (layers.length !== list.length) fail("layers_to_transform", "has duplicates");
  return layers;
}

function layersInFile(names: string[]): number[] {
  const found = new Set<number>();
  const prefix = "base_model.model.model.layers.";
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const l = Number(n.slice(prefix.length).split(".")[0]);
    if (Number.isSafeInteger(l) && l >= 0) found.add(l);
  }
  return [...found].sort((a, b) => a - b);
}

function readTensors(
  infos: ReturnType<typeof readSafetensors>["tensors"],
  file: string,
  c: LoraConfig,
  model: ModelConfig | undefined,
): LoraHostTensors {
  const expected = new Set<string>();
  const missing: string[] = [];
  const out: LoraHostTensors = {};
  /** Widths seen per target when there is no model to check against: [in, out]. */
  const seen = new Map<LoraTarget, [number, number]>();
  for (const l of c.layers) {
    const layer: Partial<Record<LoraTarget, LoraHostMatrix>> = {};
    for (const t of c.targets) {
      const names = { a: peftTensorName(l, t, "A"), b: peftTensorName(l, t, "B") };
      expected.add(names.a).add(names.b);
      const a = infos.get(names.a);
      const b = infos.get(names.b);
      if (!a || !b) {
        missing.push(...(a ? [] : [names.a]), ...(b ? [] : [names.b]));
        continue;
      }
      const dims = model ? loraDims(model, t) : null;
      const known = dims ? [dims.in, dims.out] : (seen.get(t) ?? [a.shape[1]!, b.shape[0]!]);
      seen.set(t, known as [number, number]);
      const why = model
        ? "r from adapter_config.json, widths from the model"
        : "r from adapter_config.json";
      for (const [name, info, want] of [
        [names.a, a, [c.rank, known[0]!]],
        [names.b, b, [known[1]!, c.rank]],
      ] as const) {
        if (info.shape.length !== 2 || info.shape[0] !== want[0] || info.shape[1] !== want[1]) {
          throw new SafetensorsError(
            file,
            name,
            `shape [${info.shape.join(",")}] should be [${want.join(",")}] (${why})`,
          );
        }
      }
      layer[t] = {
        a: { shape: a.shape.slice(), data: Float32Array.from(tensorToFloat32(a, file)) },
        b: { shape: b.shape.slice(), data: Float32Array.from(tensorToFloat32(b, file)) },
      };
    }
    out[String(l)] = layer;
  }
  if (missing.length) {
    const more = missing.length > 1 ? ` (missing ${missing.length}: ${missing.join(", ")})` : "";
    throw new SafetensorsError(
      file,
      missing[0]!,
      `missing, but adapter_config.json lists it${more}`,
    );
  }
  const unexpected = [...infos.keys()].filter((n) => !expected.has(n));
  if (unexpected.length) {
    throw new SafetensorsError(
      file,
      unexpected[0]!,
      `not expected from adapter_config.json's target_modules and layers_to_transform` +
        (unexpected.length > 1 ? ` (${unexpected.length} such tensors)` : ""),
    );
  }
  return out;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
