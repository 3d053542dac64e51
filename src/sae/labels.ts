/**
 * Latent labels: the `LatentLabel` shared by every source of labels (Neuronpedia explanation
 * exports, our own labelling), and trigscope's label file (JSON, schema-versioned), read and
 * written with validation errors that name the file and the field.
 *
 * Label file, version 1:
 *   { version: 1,
 *     sae: { hookName, dSae, …any further metadata },
 *     latents: [{ index, label, concept?, auroc?, explanation?,
 *                 topWords: [{ word, activation, max? }],
 *                 topContexts: [{ text, tokenIndex, activation }], frequency?, maxActivation? }] }
 * `topWords[].activation` is the word's mean activation over its tokens, `max` its maximum;
 * `frequency` is the fraction of tokens on which the latent is nonzero. `explanation` is a free-text
 * description of the latent (a Neuronpedia explainer's sentence), which the audit maps to WordNet
 * concepts. Labels imported from a Neuronpedia export (neuronpedia-export.ts, or an explanation
 * file read by `explanationLabelFile`) may lack `frequency` and `maxActivation` when the export
 * does not carry them; our own labelling always writes both.
 */
import { readFileSync } from "node:fs";
import { writeJsonAtomic } from "../io/atomic.js";

/** One description of one latent, whatever produced it. */
export interface LatentLabel {
  index: number;
  description: string;
  source: "neuronpedia" | "trigscope";
  /** Neuronpedia: the model and SAE ("layer", e.g. "6-res-jb") the explanation belongs to. */
  modelId?: string;
  layer?: string;
  explanationModelName?: string;
  typeName?: string;
  /** trigscope: the lexicon concept that best predicts the latent, and its AUROC. */
  concept?: string;
  auroc?: number;
}

export const LABEL_FILE_VERSION = 1;

export interface TopWord {
  word: string;
  /** Mean activation over every token of the word (zeros included). */
  activation: number;
  /** Largest activation on any token of the word. */
  max?: number;
}

export interface TopContext {
  /** The context, with the token marked as «token». */
  text: string;
  tokenIndex: number;
  activation: number;
}

export interface LatentRecord {
  index: number;
  label: string;
  concept?: string;
  auroc?: number;
  /** A free-text description (an explainer's sentence), when the label is one. */
  explanation?: string;
  topWords: TopWord[];
  topContexts: TopContext[];
  /** Absent only for imported labels whose source did not measure it. */
  frequency?: number;
  /** Absent only for imported labels whose source did not measure it. */
  maxActivation?: number;
}

export interface LabelFileSae {
  hookName: string;
  dSae: number;
  [key: string]: unknown;
}

/** For one lexicon concept: the latent whose activation best predicts membership (AUROC). */
export interface ConceptBestLatent {
  concept: string;
  /** Tokens that belong to the concept's words. */
  positives: number;
  latent: number | null;
  auroc: number | null;
}

export interface LabelFile {
  version: 1;
  sae: LabelFileSae;
  latents: LatentRecord[];
  /** Present when the labelling had a lexicon. */
  concepts?: ConceptBestLatent[];
}

/** A label file (or label data about to be written) that is malformed. */
export class LabelFileError extends Error {
  readonly file: string;
  /** The field concerned (dotted, with indices: `latents[3].auroc`), or null for the file. */
  readonly field: string | null;
  readonly reason: string;

  constructor(file: string, field: string | null, reason: string) {
    super(field === null ? `${file}: ${reason}` : `${file}: field '${field}': ${reason}`);
    this.name = "LabelFileError";
    this.file = file;
    this.field = field;
    this.reason = reason;
  }
}

/** Reads and validates a label file. */
export function readLabelFile(path: string): LabelFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new LabelFileError(path, null, `cannot read (${(e as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LabelFileError(path, null, `not valid JSON (${(e as Error).message})`);
  }
  return parseLabelFile(value, path);
}

/** Validates then writes a label file atomically (temp file, fsync, rename). */
export function writeLabelFile(path: string, file: LabelFile): void {
  parseLabelFile(JSON.parse(JSON.stringify(file)) as unknown, path);
  writeJsonAtomic(path, file);
}

/**
 * Checks one latent record of a label file (an index below dSae, not seen before; a label; the
 * optional fields' types; top words and contexts); throws the file's error naming the field.
 */
function assertLatentRecord(
  l: unknown,
  i: number,
  ctx: { dSae: number; seen: Set<number>; err: (field: string | null, reason: string) => Error },
): asserts l is LatentRecord {
  const { dSae, seen, err } = ctx;
  const at = `latents[${i}]`;
  if (!isObject(l)) throw err(at, "must be an object");
  if (!isCount(l.index) || l.index >= dSae) {
    throw err(`${at}.index`, `must be an integer in [0, ${dSae})`);
  }
  if (seen.has(l.index)) throw err(`${at}.index`, `latent ${l.index} appears twice`);
  seen.add(l.index);
  if (typeof l.label !== "string") throw err(`${at}.label`, "must be a string");
  if (l.concept !== undefined && typeof l.concept !== "string") {
    throw err(`${at}.concept`, "must be a string when present");
  }
  if (l.auroc !== undefined && !isUnit(l.auroc)) {
    throw err(`${at}.auroc`, "must be a number in [0, 1] when present");
  }
  if (l.explanation !== undefined && typeof l.explanation !== "string") {
    throw err(`${at}.explanation`, "must be a string when present");
  }
  if (l.frequency !== undefined && !isUnit(l.frequency))
    throw err(`${at}.frequency`, "must be a number in [0, 1] when present");
  if (l.maxActivation !== undefined && !isFiniteNumber(l.maxActivation))
    throw err(`${at}.maxActivation`, "must be a number when present");
  if (!Array.isArray(l.topWords)) throw err(`${at}.topWords`, "must be a list");
  l.topWords.forEach((w: unknown, j: number) => {
    const wAt = `${at}.topWords[${j}]`;
    if (!isObject(w) || typeof w.word !== "string") throw err(`${wAt}.word`, "must be a string");
    if (!isFiniteNumber(w.activation)) throw err(`${wAt}.activation`, "must be a number");
    if (w.max !== undefined && !isFiniteNumber(w.max)) throw err(`${wAt}.max`, "must be a number");
  });
  if (!Array.isArray(l.topContexts)) throw err(`${at}.topContexts`, "must be a list");
  l.topContexts.forEach((c: unknown, j: number) => {
    const cAt = `${at}.topContexts[${j}]`;
    if (!isObject(c) || typeof c.text !== "string") throw err(`${cAt}.text`, "must be a string");
    if (!isCount(c.tokenIndex)) throw err(`${cAt}.tokenIndex`, "must be an integer ≥ 0");
    if (!isFiniteNumber(c.activation)) throw err(`${cAt}.activation`, "must be a number");
  });
}

/** Checks a parsed JSON value against the version-1 schema; `file` names it in errors. */
export function parseLabelFile(value: unknown, file: string): LabelFile {
  const err = (field: string | null, reason: string) => new LabelFileError(file, field, reason);
  if (!isObject(value)) throw err(null, "must be a JSON object");
  if (value.version !== LABEL_FILE_VERSION) {
    throw err("version", `unsupported version ${JSON.stringify(value.version)} (reads 1)`);
  }
  const sae = value.sae;
  if (!isObject(sae)) throw err("sae", "must be an object");
  if (typeof sae.hookName !== "string" || sae.hookName === "") {
    throw err("sae.hookName", "must be a non-empty string");
  }
  if (!isCount(sae.dSae) || sae.dSae === 0) throw err("sae.dSae", "must be a positive integer");
  const dSae = sae.dSae;
  if (!Array.isArray(value.latents)) throw err("latents", "must be a list");
  const seen = new Set<number>();
  const latents = value.latents.map((l: unknown, i: number): LatentRecord => {
    assertLatentRecord(l, i, { dSae, seen, err });
    return l;
  });
  const out: LabelFile = { version: LABEL_FILE_VERSION, sae: sae as LabelFileSae, latents };
  if (value.concepts !== undefined) {
    if (!Array.isArray(value.concepts)) throw err("concepts", "must be a list when present");
    out.concepts = value.concepts.map((c: unknown, i: number): ConceptBestLatent => {
      const at = `concepts[${i}]`;
      if (!isObject(c) || typeof c.concept !== "string")
        throw err(`${at}.concept`, "must be a string");
      if (!isCount(c.positives)) throw err(`${at}.positives`, "must be an integer ≥ 0");
      if (c.latent !== null && (!isCount(c.latent) || c.latent >= dSae))
        throw err(`${at}.latent`, `must be null or an integer in [0, ${dSae})`);
      if (c.auroc !== null && !isUnit(c.auroc))
        throw err(`${at}.auroc`, "must be null or in [0, 1]");
      return {
        concept: c.concept,
        positives: c.positives,
        latent: c.latent as number | null,
        auroc: c.auroc as number | null,
      };
    });
  }
  return out;
}

/**
 * A label file from explanations (a Neuronpedia export read by neuronpedia.ts) for an SAE with
 * `dSae` latents at `hookName`: each explained latent gets its first explanation as `explanation`
 * and all of them, joined by " | ", as `label`; no concept, top words, contexts or activation
 * statistics (an export has none). Explanations of more than one SAE, or of a latent outside
 * [0, dSae), are an error naming `file`.
 */
export function explanationLabelFile(
  explanations: ReadonlyMap<number, readonly LatentLabel[]>,
  sae: { hookName: string; dSae: number },
  file: string,
): LabelFile {
  const err = (reason: string) => new LabelFileError(file, null, reason);
  const saes = new Set<string>();
  for (const list of explanations.values())
    for (const l of list) saes.add(`${l.modelId ?? "?"}/${l.layer ?? "?"}`);
  if (saes.size > 1)
    throw err(`holds explanations of ${saes.size} SAEs (${[...saes].join(", ")}); keep one`);
  const latents: LatentRecord[] = [];
  for (const [index, list] of [...explanations.entries()].sort((a, b) => a[0] - b[0])) {
    if (index >= sae.dSae) throw err(`latent ${index} is out of range for d_sae ${sae.dSae}`);
    const texts = list.map((l) => l.description.trim()).filter((t) => t !== "");
    if (texts.length === 0) continue;
    latents.push({
      index,
      label: texts.join(" | "),
      explanation: texts[0]!,
      topWords: [],
      topContexts: [],
    });
  }
  if (latents.length === 0) throw err("has no non-empty explanation");
  return {
    version: LABEL_FILE_VERSION,
    sae: { hookName: sae.hookName, dSae: sae.dSae, source: file, explanations: [...saes][0]! },
    latents,
  };
}

/** The label file's latents as shared labels, keyed by latent index. */
export function labelFileToLatentLabels(file: LabelFile): Map<number, LatentLabel[]> {
  const out = new Map<number, LatentLabel[]>();
  for (const l of file.latents) {
    const label: LatentLabel = { index: l.index, description: l.label, source: "trigscope" };
    if (l.concept !== undefined) label.concept = l.concept;
    if (l.auroc !== undefined) label.auroc = l.auroc;
    out.set(l.index, [label]);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function isFiniteNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}
function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}
function isUnit(v: unknown): v is number {
  return isFiniteNumber(v) && v >= 0 && v <= 1;
}
