/**
 * Reading Neuronpedia's public dataset exports (neuronpedia-labels.ts turns them into trigscope
 * label files).
 *
 * An export of one SAE ("source", e.g. gpt2-small/6-res-jb) is a folder with up to three
 * subfolders of `batch-N.jsonl` or `batch-N.jsonl.gz` files (Neuronpedia's export-data.py, v1):
 *   explanations/  { modelId, layer, index, description, typeName, explanationModelName, … }
 *   activations/   { modelId, layer, index, tokens: [string], values: [number], maxValue,
 *                    maxValueTokenIndex, … } — one top-activating text excerpt per line
 *   features/      { modelId, layer, index, frac_nonzero, maxActApprox, pos_str, … }
 * `index` is a decimal string there (a number is accepted too). A single explanations file (JSON
 * array or JSONL, neuronpedia.ts) may be given instead of a folder.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { LatentLabel } from "./labels.js";
import {
  NeuronpediaError,
  parseNeuronpediaExplanations,
  type NeuronpediaFilter,
} from "./neuronpedia.js";

/** One top-activating excerpt of one latent. */
export interface NeuronpediaExample {
  tokens: string[];
  values: number[];
}

export interface NeuronpediaFeature {
  fracNonzero?: number;
  maxActApprox?: number;
}

export interface NeuronpediaExport {
  explanations: Map<number, LatentLabel[]>;
  examples: Map<number, NeuronpediaExample[]>;
  features: Map<number, NeuronpediaFeature>;
  /** The files read, in order. */
  files: string[];
}

const SUBFOLDERS = ["explanations", "activations", "features"] as const;

/** Reads an export folder (or one explanations file), keeping records that match `filter`. */
export function readNeuronpediaExport(
  path: string,
  filter: NeuronpediaFilter = {},
): NeuronpediaExport {
  const out: NeuronpediaExport = {
    explanations: new Map(),
    examples: new Map(),
    features: new Map(),
    files: [],
  };
  if (!existsSync(path)) throw new NeuronpediaError(path, null, null, "no such file or folder");
  if (!statSync(path).isDirectory()) {
    out.explanations = parseNeuronpediaExplanations(readText(path), path, filter);
    out.files.push(path);
    return out;
  }
  for (const sub of SUBFOLDERS) {
    for (const file of batchFiles(join(path, sub))) {
      const text = readText(file);
      out.files.push(file);
      if (sub === "explanations") {
        for (const [i, labels] of parseNeuronpediaExplanations(text, file, filter))
          out.explanations.set(i, [...(out.explanations.get(i) ?? []), ...labels]);
      } else if (sub === "activations") parseExamples(text, file, filter, out.examples);
      else parseFeatures(text, file, filter, out.features);
    }
  }
  if (out.files.length === 0) {
    throw new NeuronpediaError(
      path,
      null,
      null,
      `no batch-N.jsonl(.gz) files under ${SUBFOLDERS.map((s) => `${s}/`).join(", ")}`,
    );
  }
  return out;
}

/** batch-N.jsonl / batch-N.jsonl.gz files of a folder, by N; none when the folder is absent. */
function batchFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, m: /^batch-(\d+)\.jsonl(\.gz)?$/.exec(name) }))
    .filter((e) => e.m !== null)
    .sort((a, b) => Number(a.m![1]) - Number(b.m![1]))
    .map((e) => join(dir, e.name));
}

function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
    if (file.endsWith(".gz")) bytes = gunzipSync(bytes);
  } catch (e) {
    throw new NeuronpediaError(file, null, null, `cannot read (${(e as Error).message})`);
  }
  return bytes.toString("utf8");
}

/** The JSON objects of a JSONL text with their line numbers (blank lines skipped). */
function* jsonLines(text: string, file: string): Generator<[Record<string, unknown>, number]> {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i]!.trim();
    if (s === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      throw new NeuronpediaError(file, i + 1, null, `not valid JSON (${(e as Error).message})`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v))
      throw new NeuronpediaError(file, i + 1, null, "each line must be a JSON object");
    yield [v as Record<string, unknown>, i + 1];
  }
}

/** The record's latent index if it passes the filter, else null. */
function keptIndex(
  o: Record<string, unknown>,
  file: string,
  line: number,
  f: NeuronpediaFilter,
): number | null {
  if (f.modelId !== undefined && o.modelId !== f.modelId) return null;
  if (f.layer !== undefined && String(o.layer) !== String(f.layer)) return null;
  const index = typeof o.index === "string" && /^\d+$/.test(o.index) ? Number(o.index) : o.index;
  if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0) {
    throw new NeuronpediaError(
      file,
      line,
      "index",
      `must be an integer ≥ 0 (or its decimal string), got ${JSON.stringify(o.index)}`,
    );
  }
  return index;
}

function parseExamples(
  text: string,
  file: string,
  filter: NeuronpediaFilter,
  out: Map<number, NeuronpediaExample[]>,
): void {
  for (const [o, line] of jsonLines(text, file)) {
    const index = keptIndex(o, file, line, filter);
    if (index === null) continue;
    const fail = (field: string, reason: string) => new NeuronpediaError(file, line, field, reason);
    if (!Array.isArray(o.tokens) || !o.tokens.every((t) => typeof t === "string"))
      throw fail("tokens", "must be a list of strings");
    if (
      !Array.isArray(o.values) ||
      !o.values.every((v) => typeof v === "number" && Number.isFinite(v))
    )
      throw fail("values", "must be a list of numbers");
    if (o.values.length !== o.tokens.length)
      throw fail("values", `${o.values.length} values for ${o.tokens.length} tokens`);
    const list = out.get(index) ?? [];
    list.push({ tokens: o.tokens as string[], values: o.values as number[] });
    out.set(index, list);
  }
}

function parseFeatures(
  text: string,
  file: string,
  filter: NeuronpediaFilter,
  out: Map<number, NeuronpediaFeature>,
): void {
  for (const [o, line] of jsonLines(text, file)) {
    const index = keptIndex(o, file, line, filter);
    if (index === null) continue;
    const f: NeuronpediaFeature = {};
    const frac = o.frac_nonzero;
    if (frac !== undefined && frac !== null) {
      if (typeof frac !== "number" || !(frac >= 0 && frac <= 1))
        throw new NeuronpediaError(file, line, "frac_nonzero", "must be a number in [0, 1]");
      f.fracNonzero = frac;
    }
    const max = o.maxActApprox;
    if (max !== undefined && max !== null) {
      if (typeof max !== "number" || !Number.isFinite(max))
        throw new NeuronpediaError(file, line, "maxActApprox", "must be a number");
      f.maxActApprox = max;
    }
    out.set(index, f);
  }
}
