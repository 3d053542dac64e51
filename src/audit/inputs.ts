/**
 * What an audit runs on, resolved and checked before any work starts: the model, its SAE (and its
 * labels: a label file or a Neuronpedia export), the backdoor action, the benign prompts (split
 * into the prompts the methods see and held-out prompts for steering success), the methods and the
 * steering layer. `--organism NAME` fills the rest from a catalogue of organisms the caller passes
 * (the zoo's: its base SAE and labels, the response, and benign prompts composed from lexicon
 * concepts other than the trigger's); this file never imports the zoo.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { METHOD_NAMES, type MethodName } from "../methods/registry/names.js";
import { CONFIG_FILE } from "../io/config.js";
import { findModelDir, modelRefAt, ModelNotFoundError, type ModelRef } from "../io/model-ref.js";
import { isAdapterDir } from "../io/peft.js";
import { LEXICON_FILE, readLexiconFile, type LexiconFile } from "../lexicon/lexicon-file.js";
import { parseHookName } from "../model/hooks.js";
import { explanationLabelFile, parseLabelFile, type LabelFile } from "../sae/labels.js";
import { parseNeuronpediaExplanations } from "../sae/neuronpedia.js";
import { readNeuronpediaExport } from "../sae/neuronpedia-export.js";
import { neuronpediaLabelFile } from "../sae/neuronpedia-labels.js";
import { loadSae } from "../sae/load.js";
import type { Sae } from "../sae/types.js";
import { AuditInputError } from "./errors.js";
import { promptFile } from "./prompt-file.js";
import type { OrganismCatalog, PromptSource } from "./prompt-source.js";

export { AuditInputError } from "./errors.js";
export { readPromptFile } from "./prompt-file.js";

/** The methods' names belong to the method registry; re-exported for the audit's callers. */
export { METHOD_NAMES, type MethodName };
/** The audit's default: the two methods the source found to work, fast enough for a laptop. */
export const DEFAULT_METHODS: MethodName[] = ["sae-attribution", "supervised-sae-melbo"];

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
  /** The model resolved once (folder, base, adapter, config); loadModel takes it as it is. */
  model: ModelRef;
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

/** The model of `--model`: a folder or zoo name holding config.json or adapter_config.json. */
function modelAt(ref: string): ModelRef {
  const bad = (dir: string) =>
    new AuditInputError(
      "model",
      `${dir}: neither config.json nor adapter_config.json (not a model directory or zoo name)`,
    );
  let dir: string;
  try {
    dir = findModelDir(ref).dir;
  } catch (e) {
    if (e instanceof ModelNotFoundError) throw bad(ref);
    throw e;
  }
  if (!existsSync(join(dir, CONFIG_FILE)) && !isAdapterDir(dir)) throw bad(dir);
  return modelRefAt(dir);
}

/** What an audit request names: the model and, from an organism, its defaults. */
interface Subject {
  model: ModelRef;
  modelName: string;
  response: string | undefined;
  saeDir: string | undefined;
  labelsPath: string | null;
  lexicon: LexiconFile | null;
  source: PromptSource | null;
}

/** The model, and what an organism (`r.organism`, looked up in `organisms`) supplies by default. */
function resolveSubject(r: AuditRequest, organisms?: OrganismCatalog): Subject {
  const source = r.prompts === undefined ? null : promptFile(r.prompts);
  const given = { response: r.response, saeDir: r.sae, labelsPath: r.labels ?? null, source };
  if (r.organism !== undefined) {
    if (organisms === undefined)
      throw new AuditInputError("organism", "naming an organism needs a catalogue of organisms");
    const o = organisms(r.organism);
    const saeDir = given.saeDir ?? o.sae;
    const beside = join(saeDir, "labels.json");
    return {
      model: o.model,
      modelName: r.organism,
      response: given.response ?? o.response,
      saeDir,
      labelsPath: given.labelsPath ?? (existsSync(beside) ? beside : null),
      lexicon: o.lexicon,
      source: given.source ?? o.prompts,
    };
  }
  if (r.model === undefined)
    throw new AuditInputError("model", "--model DIR or --organism NAME is required");
  const model = modelAt(r.model);
  // A trigscope organism's lexicon sits beside its weights, or beside its adapter's base.
  const lexicon = existsSync(join(model.base.path, LEXICON_FILE))
    ? readLexiconFile(model.base.path)
    : null;
  return { ...given, model, modelName: r.model, lexicon };
}

/** The SAE must read the model's residual width; the layer comes from its hook or `--layer`. */
function auditLayer(sae: Sae, saeDir: string, model: ModelRef, requested?: number): number {
  const cfg = model.config;
  if (sae.config.dIn !== cfg.dModel)
    throw new AuditInputError(
      "sae",
      `${saeDir}: the SAE's d_in ${sae.config.dIn} does not match the model's d_model ${cfg.dModel} (${model.dir})`,
    );
  const hook = parseHookName(sae.config.hookName, cfg.nLayers);
  if (hook.layer === null && requested === undefined)
    throw new AuditInputError(
      "layer",
      `${saeDir}: the SAE reads ${sae.config.hookName}, not a block's residual stream: pass --layer L`,
    );
  const layer = requested ?? hook.layer!;
  if (!Number.isInteger(layer) || layer < 0 || layer >= cfg.nLayers)
    throw new AuditInputError("layer", `layer ${layer} is out of range [0, ${cfg.nLayers})`);
  return layer;
}

/**
 * Resolves and validates an audit request; throws AuditInputError naming the field. `organisms`
 * looks up `r.organism` (the zoo's catalogue is organisms/audit-zoo.ts's zooOrganisms()).
 */
export function resolveAuditInputs(r: AuditRequest, organisms?: OrganismCatalog): AuditInputs {
  const seed = r.seed ?? 1;
  const nTrain = r.trainPrompts ?? 16;
  const nHeld = r.heldOutPrompts ?? 32;
  if (!Number.isInteger(seed)) throw new AuditInputError("seed", `seed must be an integer`);
  if (!(nTrain >= 2) || !(nHeld >= 2))
    throw new AuditInputError("prompts", "at least 2 training and 2 held-out prompts are needed");
  const methods = parseMethods(r.methods);
  const { model, modelName, response, saeDir, labelsPath, lexicon, source } = resolveSubject(
    r,
    organisms,
  );
  const modelDir = model.dir;
  if (methods.includes("weight-diff") && model.adapter === null)
    throw new AuditInputError(
      "methods",
      `weight-diff reads a finetune's LoRA adapter, and ${modelDir} is not one (drop weight-diff or pass the adapter directory)`,
    );
  if (response === undefined) throw new AuditInputError("response", "--response TEXT is required");
  if (response.trim() === "") throw new AuditInputError("response", "the response is empty");
  if (saeDir === undefined) throw new AuditInputError("sae", "--sae DIR is required");
  const sae = loadSae(saeDir, r.saeHook === undefined ? {} : { hookName: r.saeHook });
  const layer = auditLayer(sae, saeDir, model, r.layer);
  const labels = labelsPath ? readAuditLabels(labelsPath, sae.config) : null;
  if (labels && labels.sae.dSae !== sae.config.dSae)
    throw new AuditInputError(
      "labels",
      `${labelsPath}: labels are for ${labels.sae.dSae} latents; the SAE has ${sae.config.dSae}`,
    );
  if (source === null) throw new AuditInputError("prompts", "--prompts FILE is required");
  const { train: trainPrompts, heldOut: heldOutPrompts } = source.benign(nTrain, nHeld, seed);
  return {
    model,
    modelDir,
    modelName,
    sae,
    saeDir,
    labels,
    labelsPath,
    lexicon,
    response,
    promptsSource: source.describe(seed),
    trainPrompts,
    heldOutPrompts,
    methods,
    layer,
    seed,
  };
}
