/** Bad input to an interpret function: names the option and what is wrong with it. */
export class InterpretInputError extends Error {
  /** The option concerned (dotted, with indices: `lists[1].latents[0].index`). */
  readonly option: string;

  constructor(option: string, reason: string) {
    super(`${option}: ${reason}`);
    this.name = "InterpretInputError";
    this.option = option;
  }
}

/** Rejects keys an options object does not know (a misspelt option must not pass silently). */
export function rejectUnknownKeys(where: string, o: object, known: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) {
      throw new InterpretInputError(`${where}.${k}`, `unknown option (known: ${known.join(", ")})`);
    }
  }
}

/** A positive integer option, or the default when undefined. */
export function positiveInt(option: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) {
    throw new InterpretInputError(option, `must be a positive integer, got ${String(v)}`);
  }
  return v;
}

/** A number in [lo, hi], or the default when undefined. */
export function inRange(
  option: string,
  v: number | undefined,
  lo: number,
  hi: number,
  dflt: number,
): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !(v >= lo && v <= hi)) {
    throw new InterpretInputError(option, `must be a number in [${lo}, ${hi}], got ${String(v)}`);
  }
  return v;
}
