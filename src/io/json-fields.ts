/**
 * Typed access to the keys of a JSON object read from a file (a model's config.json, a SAE's
 * cfg.json and their nested objects): every wrong or missing value throws the caller's error
 * type, naming the file and the (dotted) key.
 */

/** The error a parser throws: its file, the dotted key (null for the whole file) and why. */
export type FieldErrorType = new (file: string, field: string | null, reason: string) => Error;

/** Typed access to a JSON object's own keys; `prefix` makes nested field names (`a.b`). */
export class JsonFields {
  constructor(
    private readonly obj: Record<string, unknown>,
    readonly file: string,
    private readonly errorType: FieldErrorType,
    private readonly prefix = "",
  ) {}

  fail(key: string, reason: string): never {
    throw new this.errorType(this.file, this.prefix + key, reason);
  }

  /** The value as written (null kept), or undefined when the key is absent. */
  get(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.obj, key) ? this.obj[key] : undefined;
  }

  /** The value, or undefined when the key is absent or null. */
  present(key: string): unknown {
    const v = this.get(key);
    return v === null ? undefined : v;
  }

  nested(key: string): JsonFields | null {
    const v = this.present(key);
    if (v === undefined) return null;
    if (typeof v !== "object" || Array.isArray(v))
      this.fail(key, `expected an object, got ${show(v)}`);
    const prefix = `${this.prefix}${key}.`;
    return new JsonFields(v as Record<string, unknown>, this.file, this.errorType, prefix);
  }

  posInt(key: string, fallback?: number): number {
    const v = this.present(key);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      return this.fail(key, "missing");
    }
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) {
      return this.fail(key, `expected a positive integer, got ${show(v)}`);
    }
    return v;
  }

  posNumber(key: string, fallback?: number): number {
    const v = this.present(key);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      return this.fail(key, "missing");
    }
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      return this.fail(key, `expected a positive number, got ${show(v)}`);
    }
    return v;
  }

  finite(key: string, fallback?: number): number {
    const v = this.present(key);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      return this.fail(key, "missing");
    }
    if (typeof v !== "number" || !Number.isFinite(v)) {
      return this.fail(key, `expected a finite number, got ${show(v)}`);
    }
    return v;
  }

  /** A non-empty string, or undefined when absent or null. */
  string(key: string): string | undefined {
    const v = this.present(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "")
      return this.fail(key, `expected a string, got ${show(v)}`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.present(key);
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") return this.fail(key, `expected true or false, got ${show(v)}`);
    return v;
  }

  tokenId(key: string): number | null {
    const v = this.present(key);
    if (v === undefined) return null;
    if (!isTokenId(v)) return this.fail(key, `expected a token id (integer ≥ 0), got ${show(v)}`);
    return v;
  }

  tokenIds(key: string): number[] {
    const v = this.present(key);
    if (v === undefined) return [];
    if (isTokenId(v)) return [v];
    if (Array.isArray(v) && v.every(isTokenId)) return [...v];
    return this.fail(key, `expected a token id or an array of them, got ${show(v)}`);
  }
}

function isTokenId(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

export function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
