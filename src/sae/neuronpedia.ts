/**
 * Neuronpedia explanation exports: a JSON array, or JSONL (one object a line), of
 * { modelId, layer, index, description, explanationModelName?, typeName?, … }. Neuronpedia
 * writes `layer` as the SAE id (e.g. "6-res-jb") and often `index` as a decimal string; both forms
 * are read. A latent may have several explanations; all are kept, in file order. Unknown fields
 * are ignored; a malformed line or field is an error naming the file, the line and the field.
 */
import { readFileSync } from "node:fs";
import type { LatentLabel } from "./labels.js";

export interface NeuronpediaFilter {
  /** Keep only explanations of this model (e.g. "gpt2-small"). */
  modelId?: string;
  /** Keep only explanations of this SAE / layer (e.g. "6-res-jb"); numbers compare as strings. */
  layer?: string | number;
}

export class NeuronpediaError extends Error {
  readonly file: string;
  readonly line: number | null;
  readonly field: string | null;
  readonly reason: string;

  constructor(file: string, line: number | null, field: string | null, reason: string) {
    const where = line === null ? file : `${file}:${line}`;
    super(field === null ? `${where}: ${reason}` : `${where}: field '${field}': ${reason}`);
    this.name = "NeuronpediaError";
    this.file = file;
    this.line = line;
    this.field = field;
    this.reason = reason;
  }
}

const FILTER_KEYS = new Set(["modelId", "layer"]);

/** Reads an export file; see `parseNeuronpediaExplanations`. */
export function readNeuronpediaExplanations(
  path: string,
  filter: NeuronpediaFilter = {},
): Map<number, LatentLabel[]> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new NeuronpediaError(path, null, null, `cannot read (${(e as Error).message})`);
  }
  return parseNeuronpediaExplanations(text, path, filter);
}

/**
 * Parses export text (JSON array when it starts with `[`, JSONL otherwise) into labels keyed by
 * latent index, keeping those that match `filter`. `file` names the source in errors.
 */
export function parseNeuronpediaExplanations(
  text: string,
  file: string,
  filter: NeuronpediaFilter = {},
): Map<number, LatentLabel[]> {
  for (const k of Object.keys(filter)) {
    if (!FILTER_KEYS.has(k)) throw new Error(`neuronpedia filter: unknown option '${k}'`);
  }
  const wantLayer = filter.layer === undefined ? undefined : String(filter.layer);
  const out = new Map<number, LatentLabel[]>();
  const add = (v: unknown, line: number, at: string) => {
    const label = toLabel(v, file, line, at);
    if (filter.modelId !== undefined && label.modelId !== filter.modelId) return;
    if (wantLayer !== undefined && label.layer !== wantLayer) return;
    const list = out.get(label.index);
    if (list) list.push(label);
    else out.set(label.index, [label]);
  };
  const body = text.replace(/^\uFEFF/, "");
  if (body.trimStart().startsWith("[")) {
    let arr: unknown;
    try {
      arr = JSON.parse(body);
    } catch (e) {
      const msg = (e as Error).message;
      throw new NeuronpediaError(file, lineOfError(body, msg), null, `not valid JSON (${msg})`);
    }
    if (!Array.isArray(arr)) throw new NeuronpediaError(file, 1, null, "must be a JSON array");
    const lines = elementLines(body);
    arr.forEach((v, i) => add(v, lines[i] ?? 1, `[${i}].`));
  } else {
    body.split("\n").forEach((raw, i) => {
      const s = raw.trim();
      if (s === "") return;
      let v: unknown;
      try {
        v = JSON.parse(s);
      } catch (e) {
        throw new NeuronpediaError(file, i + 1, null, `not valid JSON (${(e as Error).message})`);
      }
      add(v, i + 1, "");
    });
  }
  return out;
}

function toLabel(v: unknown, file: string, line: number, at: string): LatentLabel {
  const err = (field: string | null, reason: string) =>
    new NeuronpediaError(file, line, field === null ? null : at + field, reason);
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw err(null, "an explanation must be a JSON object");
  }
  const o = v as Record<string, unknown>;
  if (typeof o.modelId !== "string" || o.modelId === "") {
    throw err("modelId", "must be a non-empty string");
  }
  if (!(typeof o.layer === "string" && o.layer !== "") && !Number.isInteger(o.layer)) {
    throw err("layer", "must be a non-empty string or an integer");
  }
  const index = typeof o.index === "string" && /^\d+$/.test(o.index) ? Number(o.index) : o.index;
  if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0) {
    throw err("index", `must be an integer ≥ 0 (or its decimal string), got ${show(o.index)}`);
  }
  if (typeof o.description !== "string") throw err("description", "must be a string");
  const label: LatentLabel = {
    index,
    description: o.description,
    source: "neuronpedia",
    modelId: o.modelId,
    layer: String(o.layer),
  };
  for (const k of ["explanationModelName", "typeName"] as const) {
    const x = o[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== "string") throw err(k, "must be a string when present");
    label[k] = x;
  }
  return label;
}

function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}

/** 1-based line on which each top-level element of a JSON array starts (text already parsed). */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n") line++;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") continue;
    if (depth === 1 && expectValue && ch !== "]") {
      lines.push(line);
      expectValue = false;
    }
    if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 1) expectValue = true;
  }
  return lines;
}

/** The line of a JSON.parse error, from the "line L" or "position P" in V8's message. */
function lineOfError(text: string, message: string): number | null {
  const l = /line (\d+)/.exec(message);
  if (l) return Number(l[1]);
  const p = /position (\d+)/.exec(message);
  if (!p) return null;
  return text.slice(0, Number(p[1])).split("\n").length;
}
