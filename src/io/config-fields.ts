/**
 * Typed access to the keys of an upstream JSON config (config.json and its nested objects), for
 * the config parsers of src/io/: every wrong or missing value throws ConfigError naming the file
 * and the (dotted) key.
 */
import { ConfigError } from "./errors.js";

/** Typed access to a JSON object's own keys; `prefix` makes nested field names (`a.b`). */
export class Fields {
  constructor(
    private readonly obj: Record<string, unknown>,
    readonly file: string,
    private readonly prefix: string,
  ) {}

  fail(key: string, reason: string): never {
    throw new ConfigError(this.file, this.prefix + key, reason);
  }

  get(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.obj, key) ? this.obj[key] : undefined;
  }

  /** The value, or undefined when the key is absent or null. */
  present(key: string): unknown {
    const v = this.get(key);
    return v === null ? undefined : v;
  }

  nested(key: string): Fields | null {
    const v = this.present(key);
    if (v === undefined) return null;
    if (typeof v !== "object" || Array.isArray(v))
      this.fail(key, `expected an object, got ${show(v)}`);
    return new Fields(v as Record<string, unknown>, this.file, `${this.prefix}${key}.`);
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
