/**
 * A disk cache of completions keyed by the provider's identity, the request *and* the sample
 * index: asking for sample 3 of a prompt never returns sample 2's answer, and a resumed run reuses
 * what it already paid for. One JSON file per entry under DIR/ab/abcdef….json, written atomically
 * (temp file + rename), so a crash leaves either no entry or a whole one. Unreadable entries are
 * misses, reported through `onCorrupt`.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import type { ChatRequest, Completion, Provider } from "./provider.js";

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function cacheKey(
  identity: Provider["identity"],
  request: ChatRequest,
  sampleIndex: number,
): string {
  return sha256(canonicalJson({ v: 1, identity, request, sampleIndex }));
}

interface Entry {
  key: string;
  sampleIndex: number;
  completion: Completion;
  createdAt: string;
}

export class ResponseCache {
  constructor(
    readonly dir: string,
    private readonly onCorrupt: (path: string, why: string) => void = () => {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): Completion | null {
    const p = this.path(key);
    let text: string;
    try {
      text = readFileSync(p, "utf8");
    } catch {
      return null;
    }
    try {
      const e = JSON.parse(text) as Entry;
      if (e.key !== key || typeof e.completion?.content !== "string")
        throw new Error("entry does not match its key");
      return e.completion;
    } catch (err) {
      this.onCorrupt(p, (err as Error).message);
      return null;
    }
  }

  put(key: string, sampleIndex: number, completion: Completion): void {
    const p = this.path(key);
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
    const entry: Entry = { key, sampleIndex, completion, createdAt: new Date().toISOString() };
    writeFileAtomic(p, JSON.stringify(entry));
  }
}

/** A provider that answers from the cache when it can and stores what it fetches. */
export function cachedProvider(provider: Provider, cache: ResponseCache): Provider {
  return {
    id: provider.id,
    identity: provider.identity,
    async complete(request, ctx) {
      const key = cacheKey(provider.identity, request, ctx.sampleIndex);
      const hit = cache.get(key);
      if (hit) return hit;
      const c = await provider.complete(request, ctx);
      cache.put(key, ctx.sampleIndex, c);
      return c;
    },
  };
}
