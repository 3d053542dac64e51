/**
 * Checked method settings: each method declares its settings as fields (integer, number, boolean,
 * one of some words, or a number that may also be a word such as "calibrate"), and
 * `parseSettings` reads an override object of unknown shape against them: an unknown key or a
 * value of the wrong type is a MethodSettingsError naming the method and the key, so a misspelt
 * setting never silently runs the default.
 */
export class MethodSettingsError extends Error {
  constructor(
    readonly method: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${method}: ${key === "" ? "settings" : `setting '${key}'`} ${reason}`);
    this.name = "MethodSettingsError";
  }
}

/** One setting's type and range. */
export type SettingField =
  | { type: "int"; min: number }
  | { type: "number"; min?: number; exclusiveMin?: boolean }
  | { type: "boolean" }
  | { type: "word"; words: readonly string[] }
  | { type: "number-or-word"; word: string; exclusiveMin: number };

export type SettingFields<S> = { readonly [K in keyof S]-?: SettingField };

/** A scalar setting value, as settings are recorded in the report and the audit state. */
export type SettingValue = number | string | boolean;
/** Settings as recorded: the typed settings plus what a run resolved (target layer, R). */
export type RecordedSettings = Record<string, SettingValue>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Why `v` does not fit `f`, or null when it does. */
function misfit(f: SettingField, v: unknown): string | null {
  const finite = typeof v === "number" && Number.isFinite(v);
  switch (f.type) {
    case "int":
      return Number.isInteger(v) && (v as number) >= f.min ? null : `an integer ≥ ${f.min}`;
    case "number": {
      const what = f.min === undefined ? "" : ` ${f.exclusiveMin ? ">" : "≥"} ${f.min}`;
      if (!finite) return `a finite number${what}`;
      if (f.min === undefined) return null;
      return (f.exclusiveMin ? v > f.min : v >= f.min) ? null : `a number${what}`;
    }
    case "boolean":
      return typeof v === "boolean" ? null : "true or false";
    case "word":
      return f.words.includes(v as string) ? null : `one of ${f.words.join(", ")}`;
    case "number-or-word":
      return v === f.word || (finite && v > f.exclusiveMin)
        ? null
        : `a number > ${f.exclusiveMin} or "${f.word}"`;
  }
}

/** The defaults with the overrides in `input` checked against `fields` (undefined: defaults). */
export function parseSettings<S extends object>(
  method: string,
  fields: SettingFields<S>,
  defaults: Readonly<S>,
  input: unknown,
): S {
  if (input === undefined || input === null) return { ...defaults };
  if (!isObject(input)) throw new MethodSettingsError(method, "", "must be an object");
  const known = Object.keys(fields);
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(input)) {
    if (!known.includes(k))
      throw new MethodSettingsError(method, k, `is unknown (known: ${known.join(", ")})`);
    const problem = misfit(fields[k as keyof S], v);
    if (problem) throw new MethodSettingsError(method, k, `must be ${problem}, got ${String(v)}`);
    out[k] = v;
  }
  return out as S;
}
