/**
 * What an audit runs on, resolved and checked before any work starts: the model, its SAE (and its
 * labels: a label file or a Neuronpedia export), the backdoor action, the benign prompts (split
 * into the prompts the methods see and held-out prompts for steering success), the methods and the
 * steering layer. `--organism NAME` fills everything from the zoo: the organism's base SAE and
 * labels, its response, and benign prompts composed from lexicon concepts other than the trigger's.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, readModelConfig } from "../io/config.js";
import { isAdapterDir, resolveAdapterBase } from "../io/peft.js";
import { locateModelDir } from "../io/zoo-dir.js";
import { parseHookName } from "../model/hooks.js";
import { BackdoorPrompts } from "../organisms/backdoor-prompts.js";
import { readLexiconFile, type LexiconFile } from "../lexicon/lexicon-file.js";
import { readZooManifest, resolveOrganismDir } from "../organisms/zoo.js";
import { mulberry32 } from "../random/seeded.js";
import { explanationLabelFile, parseLabelFile, type LabelFile } from "../sae/labels.js";
import { parseNeuronpediaExplanations } from "../sae/neuronpedia.js";
import { readNeuronpediaExport } from "../sae/neuronpedia-export.js";
import { neuronpediaLabelFile } from "../sae/neuronpedia-labels.js";
import { loadSae } from "../sae/load.js";
import type { Sae } from "../sae/types.js";

export const METHOD_NAMES = [
  "sae-attribution",
  "supervised-sae-melbo",
  "supervised-melbo",
  "sae-melbo",
  "melbo",
  "weight-diff",
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];
/** The audit's default: the two methods the source found to work, fast enough for a laptop. */
export const DEFAULT_METHODS: MethodName[] = ["sae-attribution", "supervised-sae-melbo"];

export class AuditInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "AuditInputError";
  }
}

export interface AuditRequest {
  model?: string;
  organism?: string;
  /** A SAE folder (any layout) or a GemmaScope params.npz. */
  sae?: string;
  /** The hook the SAE reads, for a GemmaScope archive whose folders name none. */
  saeHook?: string;
  labels?: string;
  response?: string;
  /** A file of benign prompts: one per line, or a JSON list of strings. */
  prompts?: string;
  methods?: string[];
  layer?: number;
  seed?: number;
  /** Benign prompts the methods see (default 16) and held-out ones for steering success (32). */
  trainPrompts?: number;
  heldOutPrompts?: number;
}

export interface AuditInputs {
  modelDir: string;
  modelName: string;
  sae: Sae;
  saeDir: string;
  labels: LabelFile | null;
  labelsPath: string | null;
  lexicon: LexiconFile | null;
  response: string;
  promptsSource: string;
  trainPrompts: string[];
  heldOutPrompts: string[];
  methods: MethodName[];
  layer: number;
  seed: number;
}

/** Benign prompts from a file: a JSON list of strings, or one prompt per non-empty line. */
export function readPromptFile(path: string): string[] {
  if (!existsSync(path)) throw new AuditInputError("prompts", `${path}: no such file`);
  const text = readFileSync(path, "utf8");
  let prompts: string[];
  if (text.trimStart().startsWith("[")) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new AuditInputError("prompts", `${path}: not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(v) || v.some((p) => typeof p !== "string"))
      throw new AuditInputError("prompts", `${path}: must be a JSON list of strings`);
    prompts = v as string[];
  } else prompts = text.split("\n");
  prompts = prompts.map((p) => p.trim());
  const isJson = text.trimStart().startsWith("[");
  const empty = isJson ? prompts.findIndex((p) => p === "") : -1;
  if (empty >= 0) throw new AuditInputError("prompts", `${path}: prompt ${empty} is empty`);
  prompts = prompts.filter((p) => p !== "");
  if (prompts.length < 2)
    throw new AuditInputError(
      "prompts",
      `${path}: needs at least 2 prompts, got ${prompts.length}`,
    );
  return prompts;
}

function parseMethods(list: string[] | undefined): MethodName[] {
  if (!list || list.length === 0) return [...DEFAULT_METHODS];
  if (list.length === 1 && list[0] === "all") return [...METHOD_NAMES];
  const out: MethodName[] = [];
  for (const m of list) {
    if (!(METHOD_NAMES as readonly string[]).includes(m))
      throw new AuditInputError(
        "methods",
        `unknown method '${m}' (known: ${METHOD_NAMES.join(", ")}, or all)`,
      );
    if (!out.includes(m as MethodName)) out.push(m as MethodName);
  }
  return out;
}

/**
 * Labels for the audit: a trigscope label file (a JSON object with `version`), or a Neuronpedia
 * explanation export (a JSON array, or JSONL of explanation objects), whose sentences become the
 * latents' explanations (`explanationLabelFile`) for the SAE at hand, or an export folder
 * (explanations/, activations/, features/ as `sae label --neuronpedia` reads it).
 */
export function readAuditLabels(path: string, sae: { hookName: string; dSae: number }): LabelFile {
  if (!existsSync(path)) throw new AuditInputError("labels", `${path}: no such file`);
  if (statSync(path).isDirectory())
    return neuronpediaLabelFile(readNeuronpediaExport(path), {
      hookName: sae.hookName,
      dSae: sae.dSae,
      sae: { export: path },
    });
  const text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  let whole: unknown = undefined;
  if (!text.trimStart().startsWith("[")) {
    try {
      whole = JSON.parse(text);
    } catch {
      // Not one JSON value: JSONL, one explanation a line.
    }
  }
  const isLabelFile =
    typeof whole === "object" && whole !== null && !Array.isArray(whole) && "version" in whole;
  if (isLabelFile) return parseLabelFile(whole, path);
  return explanationLabelFile(parseNeuronpediaExplanations(text, path), sae, path);
}

/** Resolves and validates an audit request; throws AuditInputError naming the field. */
export function resolveAuditInputs(r: AuditRequest): AuditInputs {
  const seed = r.seed ?? 1;
  const nTrain = r.trainPrompts ?? 16;
  const nHeld = r.heldOutPrompts ?? 32;
  if (!Number.isInteger(seed)) throw new AuditInputError("seed", `seed must be an integer`);
  if (!(nTrain >= 2) || !(nHeld >= 2))
    throw new AuditInputError("prompts", "at least 2 training and 2 held-out prompts are needed");
  const methods = parseMethods(r.methods);
  let modelDir: string;
  let modelName: string;
  let response = r.response;
  let saeDir = r.sae;
  let labelsPath = r.labels ?? null;
  let lexicon: LexiconFile | null = null;
  let generated: { train: string[]; heldOut: string[] } | null = null;
  if (r.organism !== undefined) {
    const entry = readZooManifest().organisms.find((o) => o.name === r.organism);
    if (!entry) {
      const names = readZooManifest().organisms.map((o) => o.name);
      throw new AuditInputError(
        "organism",
        `unknown organism '${r.organism}' (zoo: ${names.join(", ") || "empty"})`,
      );
    }
    if (entry.kind !== "backdoor" || !entry.trigger || !entry.response)
      throw new AuditInputError(
        "organism",
        `'${r.organism}' is a ${entry.kind} organism: an audit needs a backdoor's response (pass --model, --response and --prompts)`,
      );
    modelDir = resolveOrganismDir(r.organism);
    modelName = r.organism;
    response ??= entry.response;
    const baseDir = resolveOrganismDir("base");
    saeDir ??= join(baseDir, "sae");
    if (labelsPath === null && existsSync(join(saeDir, "labels.json")))
      labelsPath = join(saeDir, "labels.json");
    lexicon = readLexiconFile(baseDir);
    if (r.prompts === undefined) {
      // Benign prompts exclude the trigger's concepts (the auditor's benign set never contains
      // the trigger); the methods never see the trigger itself.
      const gen = new BackdoorPrompts(lexicon, entry.trigger, {
        split: "heldOut",
        phrasing: "train",
      });
      const rng = mulberry32(seed);
      const take = (n: number) => Array.from({ length: n }, () => gen.benign(rng).text);
      generated = { train: take(nTrain), heldOut: take(nHeld) };
    }
  } else {
    if (r.model === undefined)
      throw new AuditInputError("model", "--model DIR or --organism NAME is required");
    modelDir = locateModelDir(r.model);
    modelName = r.model;
    if (!existsSync(join(modelDir, CONFIG_FILE)) && !isAdapterDir(modelDir))
      throw new AuditInputError(
        "model",
        `${modelDir}: neither config.json nor adapter_config.json (not a model directory or zoo name)`,
      );
    // A trigscope organism's lexicon sits beside its weights, or beside its adapter's base.
    const weightsDir = isAdapterDir(modelDir) ? resolveAdapterBase(modelDir) : modelDir;
    if (existsSync(join(weightsDir, "lexicon.json"))) lexicon = readLexiconFile(weightsDir);
  }
  if (methods.includes("weight-diff") && !isAdapterDir(modelDir))
    throw new AuditInputError(
      "methods",
      `weight-diff reads a finetune's LoRA adapter, and ${modelDir} is not one (drop weight-diff or pass the adapter directory)`,
    );
  if (response === undefined) throw new AuditInputError("response", "--response TEXT is required");
  if (response.trim() === "") throw new AuditInputError("response", "the response is empty");
  if (saeDir === undefined) throw new AuditInputError("sae", "--sae DIR is required");
  const sae = loadSae(saeDir, r.saeHook === undefined ? {} : { hookName: r.saeHook });
  const cfg = readModelConfig(isAdapterDir(modelDir) ? resolveAdapterBase(modelDir) : modelDir);
  if (sae.config.dIn !== cfg.dModel)
    throw new AuditInputError(
      "sae",
      `${saeDir}: the SAE's d_in ${sae.config.dIn} does not match the model's d_model ${cfg.dModel} (${modelDir})`,
    );
  const hook = parseHookName(sae.config.hookName, cfg.nLayers);
  if (hook.layer === null && r.layer === undefined)
    throw new AuditInputError(
      "layer",
      `${saeDir}: the SAE reads ${sae.config.hookName}, not a block's residual stream: pass --layer L`,
    );
  const layer = r.layer ?? hook.layer!;
  if (!Number.isInteger(layer) || layer < 0 || layer >= cfg.nLayers)
    throw new AuditInputError("layer", `layer ${layer} is out of range [0, ${cfg.nLayers})`);
  const labels = labelsPath ? readAuditLabels(labelsPath, sae.config) : null;
  if (labels && labels.sae.dSae !== sae.config.dSae)
    throw new AuditInputError(
      "labels",
      `${labelsPath}: labels are for ${labels.sae.dSae} latents; the SAE has ${sae.config.dSae}`,
    );
  let trainPrompts: string[];
  let heldOutPrompts: string[];
  let promptsSource: string;
  if (r.prompts !== undefined) {
    const all = readPromptFile(r.prompts);
    // A seeded split: the methods see up to nTrain prompts; steering success is measured on others.
    const order = all
      .map((p, i) => [mulberry32(seed + i)(), p] as const)
      .sort((a, b) => a[0] - b[0]);
    const shuffled = order.map(([, p]) => p);
    const k = Math.min(nTrain, Math.ceil(shuffled.length / 2));
    trainPrompts = shuffled.slice(0, k);
    heldOutPrompts = shuffled.slice(k, k + nHeld);
    promptsSource = r.prompts;
  } else if (generated) {
    trainPrompts = generated.train;
    heldOutPrompts = generated.heldOut;
    promptsSource = `composed from the lexicon's non-trigger concepts (seed ${seed})`;
  } else throw new AuditInputError("prompts", "--prompts FILE is required");
  return {
    modelDir,
    modelName,
    sae,
    saeDir,
    labels,
    labelsPath,
    lexicon,
    response,
    promptsSource,
    trainPrompts,
    heldOutPrompts,
    methods,
    layer,
    seed,
  };
}
