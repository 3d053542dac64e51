/**
 * JSON Lines files: reading with errors that name the file, the line and the field; appending one
 * record per line; and recovery of a torn last line left by a crash mid-write.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from "node:fs";

/** Bad input: always names where (file, line when known, field when known). */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    detail: string,
  ) {
    super(
      `${file}${line !== null ? `:${line}` : ""}: ${field !== null ? `field '${field}' ` : ""}${detail}`,
    );
    this.name = "InputError";
  }
}

export interface JsonLine {
  line: number;
  value: unknown;
}

/** Parses every non-blank line; a bad line is an InputError naming it. */
export function readJsonl(file: string): JsonLine[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(file, null, null, `cannot be read: ${(err as Error).message}`);
  }
  return parseJsonl(text, file);
}

export function parseJsonl(text: string, file: string): JsonLine[] {
  const out: JsonLine[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "") continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (err) {
      throw new InputError(file, i + 1, null, `is not valid JSON (${(err as Error).message})`);
    }
  }
  return out;
}

/**
 * Reads an append-only log. A last line without its newline that does not parse is what a crash
 * mid-append leaves: it is cut off the file (and reported through `onTorn`). Any other bad line
 * is an error.
 */
export function readLog(file: string, onTorn: (detail: string) => void = () => {}): JsonLine[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, "utf8");
  const lastNl = text.lastIndexOf("\n");
  const tail = text.slice(lastNl + 1);
  if (tail.trim() !== "") {
    let ok = true;
    try {
      JSON.parse(tail);
    } catch {
      ok = false;
    }
    if (!ok) {
      const keep = Buffer.byteLength(text.slice(0, lastNl + 1), "utf8");
      truncateSync(file, keep);
      onTorn(
        `${file}: dropped a torn last line (${tail.length} chars) left by an interrupted write`,
      );
      return parseJsonl(text.slice(0, lastNl + 1), file);
    }
    // A complete record missing only its newline: add it so the next append starts a new line.
    const fd = openSync(file, "a");
    writeSync(fd, "\n");
    closeSync(fd);
  }
  return parseJsonl(text, file);
}

/** Appends records, one JSON line each, and fsyncs: once this returns the records are durable. */
export function appendJsonl(file: string, records: readonly unknown[]): void {
  if (records.length === 0) return;
  const fd = openSync(file, "a");
  try {
    writeSync(fd, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// Field checks for records read from JSON files. `where` is [file, line].
type Where = [string, number | null];

export function asObject(
  v: unknown,
  where: Where,
  field: string | null = null,
): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new InputError(where[0], where[1], field, "must be a JSON object");
  return v as Record<string, unknown>;
}

export function rejectUnknownKeys(
  o: Record<string, unknown>,
  allowed: readonly string[],
  where: Where,
): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      throw new InputError(
        where[0],
        where[1],
        k,
        `is not a known field (known: ${allowed.join(", ")})`,
      );
}

export function reqString(o: Record<string, unknown>, field: string, where: Where): string {
  const v = o[field];
  if (typeof v !== "string" || v.length === 0)
    throw new InputError(
      where[0],
      where[1],
      field,
      v === undefined ? "is required" : "must be a non-empty string",
    );
  return v;
}

export function optString(
  o: Record<string, unknown>,
  field: string,
  where: Where,
): string | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new InputError(where[0], where[1], field, "must be a string");
  return v;
}

export function oneOf<T extends string>(
  o: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  where: Where,
  fallback?: T,
): T {
  const v = o[field];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "string" || !allowed.includes(v as T))
    throw new InputError(
      where[0],
      where[1],
      field,
      `must be one of ${allowed.map((a) => `'${a}'`).join(", ")}, got ${JSON.stringify(v)}`,
    );
  return v as T;
}
