/**
 * Typed command-line options: one declaration per option (type, default, range, choices,
 * description) from which the parser, the validation and the help text are all derived, so the
 * three cannot drift apart. Unknown options and values out of range are usage errors (exit 2).
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface OptionDef {
  type: "string" | "number" | "integer" | "boolean";
  description: string;
  /** The value's name in help, e.g. DIR or N. */
  value?: string;
  default?: string | number | boolean;
  /** The default in words when it is computed from other inputs, e.g. "audits/<model name>". */
  defaultText?: string;
  required?: boolean;
  /** The option may be given several times; its value is then an array. */
  multiple?: boolean;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** `min` itself is not allowed (e.g. 0 < top-p). */
  minExclusive?: boolean;
}

export type OptionSpec = Record<string, OptionDef>;

type Scalar<O extends OptionDef> = O["type"] extends "boolean"
  ? boolean
  : O["type"] extends "number" | "integer"
    ? number
    : O extends { choices: readonly (infer C)[] }
      ? C
      : string;
type One<O extends OptionDef> = O extends { multiple: true } ? Scalar<O>[] : Scalar<O>;
type AlwaysSet<O> = O extends { type: "boolean" }
  ? true
  : O extends { required: true }
    ? true
    : O extends { default: unknown }
      ? true
      : false;

/** The parsed values: options with a default, required ones and booleans are always set. */
export type OptionValues<S extends OptionSpec> = {
  [K in keyof S]: AlwaysSet<S[K]> extends true ? One<S[K]> : One<S[K]> | undefined;
};

/** "an integer ≥ 1", "a number in (0, 1]": what a numeric option accepts, for errors and help. */
export function describeRange(def: OptionDef): string {
  const kind = def.type === "integer" ? "an integer" : "a number";
  const lo = def.min;
  const hi = def.max;
  if (lo !== undefined && hi !== undefined)
    return `${kind} in ${def.minExclusive ? "(" : "["}${lo}, ${hi}]`;
  if (lo !== undefined) return `${kind} ${def.minExclusive ? ">" : "≥"} ${lo}`;
  if (hi !== undefined) return `${kind} ≤ ${hi}`;
  return kind;
}

function numberValue(name: string, def: OptionDef, raw: string): number {
  const n = raw.trim() === "" ? NaN : Number(raw);
  const ok =
    Number.isFinite(n) &&
    (def.type !== "integer" || Number.isInteger(n)) &&
    (def.min === undefined || (def.minExclusive ? n > def.min : n >= def.min)) &&
    (def.max === undefined || n <= def.max);
  if (!ok) throw new UsageError(`--${name} must be ${describeRange(def)}, got '${raw}'`);
  return n;
}

/** One option's value from its text, checked against the option's type, range and choices. */
export function optionValue(name: string, def: OptionDef, raw: string): string | number {
  if (def.type === "number" || def.type === "integer") return numberValue(name, def, raw);
  if (def.choices && !def.choices.includes(raw))
    throw new UsageError(`--${name} must be one of ${def.choices.join(", ")}, got '${raw}'`);
  return raw;
}

/** Edit distance between two short option names (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length]!;
}

/** The error for an undeclared option, naming the declared ones it is probably a typo of. */
function unknownOption(name: string, spec: OptionSpec): UsageError {
  const near = Object.keys(spec).filter(
    (k) => (name.length >= 3 && k.startsWith(name)) || distance(k, name) <= 2,
  );
  const hint = near.length ? ` (did you mean ${near.map((k) => `--${k}`).join(" or ")}?)` : "";
  return new UsageError(`unknown option --${name}${hint}`);
}

/** Splits argv into declared options (typed, range-checked) and positional arguments. */
export function parseOptions<S extends OptionSpec>(
  argv: string[],
  spec: S,
): { values: OptionValues<S>; positionals: string[] } {
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--") || arg === "--") {
      if (arg !== "--") positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const def = spec[name];
    if (!def) throw unknownOption(name, spec);
    let value: unknown = true;
    if (def.type === "boolean") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
    } else {
      const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (raw === undefined) throw new UsageError(`--${name} needs a value`);
      value = optionValue(name, def, raw);
    }
    if (def.multiple) ((values[name] ??= []) as unknown[]).push(value);
    else values[name] = value;
  }
  return { values: withDefaults(values, spec) as OptionValues<S>, positionals };
}

function withDefaults(values: Record<string, unknown>, spec: OptionSpec): Record<string, unknown> {
  for (const [name, def] of Object.entries(spec)) {
    if (values[name] !== undefined) continue;
    if (def.required) throw new UsageError(`--${name} is required`);
    if (def.type === "boolean") values[name] = def.default ?? false;
    else if (def.default !== undefined) values[name] = def.default;
  }
  return values;
}
