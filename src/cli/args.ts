/**
 * A small strict argv parser: declared flags only (unknown flags are errors), typed values.
 */
export type FlagSpec = Record<
  string,
  { type: "string" | "number" | "boolean"; multiple?: boolean }
>;

export type ParsedFlags<S extends FlagSpec> = {
  [K in keyof S]?: S[K]["type"] extends "number"
    ? S[K]["multiple"] extends true
      ? number[]
      : number
    : S[K]["type"] extends "boolean"
      ? boolean
      : S[K]["multiple"] extends true
        ? string[]
        : string;
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseArgs<S extends FlagSpec>(
  argv: string[],
  spec: S,
): { flags: ParsedFlags<S>; positional: string[] } {
  const flags: Record<string, unknown> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const def = spec[name];
    if (!def) throw new UsageError(`unknown option --${name}`);
    let value: unknown;
    if (def.type === "boolean") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      value = true;
    } else {
      const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (raw === undefined) throw new UsageError(`--${name} needs a value`);
      if (def.type === "number") {
        const n = Number(raw);
        if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${raw}'`);
        value = n;
      } else value = raw;
    }
    if (def.multiple) ((flags[name] ??= []) as unknown[]).push(value);
    else flags[name] = value;
  }
  return { flags: flags as ParsedFlags<S>, positional };
}

/** A flag's value as a positive (integer) number, or a UsageError naming the flag. */
export function positiveNumber(v: unknown, flag: string, integer = true): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${flag} must be a positive ${integer ? "integer" : "number"}, got '${v}'`,
    );
  }
  return n;
}

/** The --device flag: wasm (default) or webgpu. */
export function deviceFlag(v: unknown): "wasm" | "webgpu" {
  const device = (v ?? "wasm") as string;
  if (device !== "wasm" && device !== "webgpu") {
    throw new UsageError(`--device must be wasm or webgpu, got '${device}'`);
  }
  return device;
}
