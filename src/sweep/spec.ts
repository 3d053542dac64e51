/**
 * A sweep file (YAML or JSON): which models to audit (zoo organisms or model directories), which
 * methods with which settings, the shared grid (layer, prompt counts, probes) and the seeds. A
 * setting given as a list is swept; a scalar is fixed. Everything is validated before any work
 * starts, and an unknown key is an error naming the file and the field, so a misspelt setting
 * never silently runs the default.
 */
import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import {
  METHOD_NAMES,
  METHODS,
  MethodSettingsError,
  type MethodName,
} from "../methods/registry/index.js";

export class SweepSpecError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    reason: string,
  ) {
    super(`${file}: ${field}: ${reason}`);
    this.name = "SweepSpecError";
  }
}

/** A setting value: fixed (scalar) or swept (list). */
export type Swept<T> = T | T[];
export type SettingValue = number | string | boolean;

/** A model directory to audit (not a zoo organism): what the audit needs, and the trigger if known. */
export interface ModelTarget {
  name: string;
  dir: string;
  sae: string;
  labels?: string;
  response: string;
  /** Benign prompts: one per line, or a JSON list of strings. */
  prompts: string;
  /** The trigger's concepts (lexicon names), when known, to measure recovery. */
  trigger?: string[];
  /** How the trigger's concepts combine ("all" for a conjunction). Default "all". */
  mode?: "all" | "any";
}

/** The grid every method shares (a list sweeps it). */
export interface SharedGrid {
  layer?: Swept<number>;
  trainPrompts?: Swept<number>;
  heldOutPrompts?: Swept<number>;
  probes?: Swept<number>;
  candidates?: Swept<number>;
}

export interface SweepSpec {
  name: string;
  organisms: string[];
  models: ModelTarget[];
  /** Per method: its settings (its registry entry's keys), each fixed or swept. */
  methods: Partial<Record<MethodName, Record<string, Swept<SettingValue>>>>;
  grid: SharedGrid;
  seeds: number[];
}

const TOP_KEYS = ["name", "organisms", "models", "methods", "grid", "seeds"] as const;
const MODEL_KEYS = ["name", "dir", "sae", "labels", "response", "prompts", "trigger", "mode"];
const GRID_KEYS = ["layer", "trainPrompts", "heldOutPrompts", "probes", "candidates"] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function rejectUnknown(file: string, where: string, o: object, known: readonly string[]) {
  for (const k of Object.keys(o))
    if (!known.includes(k))
      throw new SweepSpecError(
        file,
        where ? `${where}.${k}` : k,
        `unknown key (known: ${known.join(", ")})`,
      );
}

function stringList(file: string, field: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x === ""))
    throw new SweepSpecError(file, field, "must be a list of non-empty strings");
  if (new Set(v).size !== v.length) throw new SweepSpecError(file, field, "has duplicates");
  return v as string[];
}

/** A fixed-or-swept value whose every element passes `ok`; lists must be non-empty, no repeats. */
function swept<T extends SettingValue>(
  file: string,
  field: string,
  v: unknown,
  ok: (x: unknown) => x is T,
  what: string,
): Swept<T> {
  if (Array.isArray(v)) {
    if (v.length === 0) throw new SweepSpecError(file, field, "an empty list sweeps nothing");
    v.forEach((x, i) => {
      if (!ok(x)) throw new SweepSpecError(file, `${field}[${i}]`, `must be ${what}`);
    });
    if (new Set(v).size !== v.length) throw new SweepSpecError(file, field, "has duplicates");
    return v as T[];
  }
  if (!ok(v)) throw new SweepSpecError(file, field, `must be ${what} or a list of them`);
  return v;
}

const isNonNegInt = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;
const isPosInt = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 1;
const isSetting = (x: unknown): x is SettingValue =>
  (typeof x === "number" && Number.isFinite(x)) || typeof x === "string" || typeof x === "boolean";

function parseModel(file: string, i: number, v: unknown): ModelTarget {
  const at = `models[${i}]`;
  if (!isObject(v)) throw new SweepSpecError(file, at, "must be an object");
  rejectUnknown(file, at, v, MODEL_KEYS);
  for (const k of ["name", "dir", "sae", "response", "prompts"])
    if (typeof v[k] !== "string" || v[k] === "")
      throw new SweepSpecError(file, `${at}.${k}`, "is required (a non-empty string)");
  if (v.labels !== undefined && typeof v.labels !== "string")
    throw new SweepSpecError(file, `${at}.labels`, "must be a path");
  if (v.mode !== undefined && v.mode !== "all" && v.mode !== "any")
    throw new SweepSpecError(file, `${at}.mode`, `must be "all" or "any"`);
  return {
    name: v.name as string,
    dir: v.dir as string,
    sae: v.sae as string,
    response: v.response as string,
    prompts: v.prompts as string,
    ...(v.labels !== undefined ? { labels: v.labels as string } : {}),
    ...(v.trigger !== undefined ? { trigger: stringList(file, `${at}.trigger`, v.trigger) } : {}),
    ...(v.mode !== undefined ? { mode: v.mode as "all" | "any" } : {}),
  };
}

/** A method's setting, fixed or swept; every value is checked by the method's own parser. */
function sweptSetting(file: string, method: MethodName, key: string, v: unknown) {
  const field = `methods.${method}.${key}`;
  const values: unknown[] = Array.isArray(v) ? v : [v];
  values.forEach((x, i) => {
    try {
      METHODS[method].parse({ [key]: x });
    } catch (e) {
      if (!(e instanceof MethodSettingsError)) throw e;
      throw new SweepSpecError(file, Array.isArray(v) ? `${field}[${i}]` : field, e.reason);
    }
  });
  return swept(file, field, v, isSetting, "a number, string or boolean");
}

function parseMethods(file: string, v: unknown): SweepSpec["methods"] {
  if (!isObject(v) || Object.keys(v).length === 0)
    throw new SweepSpecError(file, "methods", "must map at least one method to its settings");
  rejectUnknown(file, "methods", v, METHOD_NAMES);
  const out: SweepSpec["methods"] = {};
  for (const [m, settings] of Object.entries(v)) {
    const method = m as MethodName;
    const s = settings ?? {};
    if (!isObject(s)) throw new SweepSpecError(file, `methods.${m}`, "must be an object");
    rejectUnknown(file, `methods.${m}`, s, METHODS[method].keys);
    out[method] = Object.fromEntries(
      Object.entries(s).map(([k, x]) => [k, sweptSetting(file, method, k, x)]),
    );
  }
  return out;
}

function parseGrid(file: string, v: unknown): SharedGrid {
  if (v === undefined) return {};
  if (!isObject(v)) throw new SweepSpecError(file, "grid", "must be an object");
  rejectUnknown(file, "grid", v, GRID_KEYS);
  const out: SharedGrid = {};
  for (const k of GRID_KEYS) {
    if (v[k] === undefined) continue;
    const ok = k === "layer" ? isNonNegInt : isPosInt;
    out[k] = swept(file, `grid.${k}`, v[k], ok, k === "layer" ? "a layer index" : "a count ≥ 1");
  }
  return out;
}

/** Validates a parsed sweep document; `file` names it in errors. */
export function validateSweepSpec(doc: unknown, file: string): SweepSpec {
  if (!isObject(doc)) throw new SweepSpecError(file, "(top level)", "must be an object");
  rejectUnknown(file, "", doc, TOP_KEYS);
  const organisms = doc.organisms === undefined ? [] : stringList(file, "organisms", doc.organisms);
  if (doc.models !== undefined && !Array.isArray(doc.models))
    throw new SweepSpecError(file, "models", "must be a list");
  const models = ((doc.models as unknown[] | undefined) ?? []).map((m, i) =>
    parseModel(file, i, m),
  );
  const names = [...organisms, ...models.map((m) => m.name)];
  if (names.length === 0)
    throw new SweepSpecError(file, "organisms", "give at least one organism or model");
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined)
    throw new SweepSpecError(file, "models", `the name '${dup}' is used twice`);
  if (doc.seeds === undefined) throw new SweepSpecError(file, "seeds", "is required");
  const seeds = swept(
    file,
    "seeds",
    doc.seeds,
    (x): x is number => Number.isInteger(x),
    "an integer",
  );
  if (doc.name !== undefined && (typeof doc.name !== "string" || doc.name === ""))
    throw new SweepSpecError(file, "name", "must be a non-empty string");
  return {
    name: (doc.name as string | undefined) ?? "sweep",
    organisms,
    models,
    methods: parseMethods(file, doc.methods),
    grid: parseGrid(file, doc.grid),
    seeds: Array.isArray(seeds) ? seeds : [seeds],
  };
}

/** Reads and validates a sweep file (.yaml/.yml or .json). */
export function readSweepSpec(path: string): SweepSpec {
  if (!existsSync(path)) throw new SweepSpecError(path, "(file)", "no such file");
  const text = readFileSync(path, "utf8");
  let doc: unknown;
  try {
    doc = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new SweepSpecError(path, "(file)", `cannot parse: ${(e as Error).message}`);
  }
  return validateSweepSpec(doc, path);
}
