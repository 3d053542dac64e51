/**
 * The layout of a run directory and its manifest:
 *
 *   run.json         manifest: configuration, provider identity, variant fingerprint
 *   variants.jsonl   the prompt variants (one per line)
 *   samples.jsonl    one line per finished sample, appended as samples finish (the ledger)
 *   errors.jsonl     failed attempts (a sample that failed is retried by the next resume)
 *   judgments/ID@VERSION.jsonl   verdicts of one judge version
 *   cache/           provider responses keyed by request and sample index
 *   logs/            the Inspect eval log
 *   report.json, report.html
 *   run.lock         held while a process writes the ledger
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { canonicalJson, sha256 } from "./cache.js";
import { asObject, InputError, readJsonl } from "./jsonl.js";
import type { GenerationParams } from "./provider.js";
import type { TriggerSpec, Variant } from "./variants.js";

export const RUN_SCHEMA = "trigscope.awareness.run/1";

export interface RunManifest {
  schema: typeof RUN_SCHEMA;
  runId: string;
  createdAt: string;
  provider: { id: string; identity: Record<string, string | number | boolean | null> };
  params: GenerationParams;
  prefill: string | null;
  samples: number;
  seed: number;
  /** Whether each request carried its own seed, and how it was derived (seeds.ts). */
  seeding: { sent: boolean; scheme: string };
  spec: TriggerSpec;
  itemsFile: string;
  variantsHash: string;
  variantCount: number;
}

export const runPaths = (dir: string) => ({
  manifest: join(dir, "run.json"),
  variants: join(dir, "variants.jsonl"),
  samples: join(dir, "samples.jsonl"),
  errors: join(dir, "errors.jsonl"),
  judgments: join(dir, "judgments"),
  cache: join(dir, "cache"),
  logs: join(dir, "logs"),
  reportJson: join(dir, "report.json"),
  reportHtml: join(dir, "report.html"),
  lock: join(dir, "run.lock"),
});

export function variantsHash(variants: readonly Variant[]): string {
  return sha256(canonicalJson(variants)).slice(0, 16);
}

/**
 * A manifest of this schema: written by this version's runner (openManifest in runner.ts), so it has
 * RunManifest's fields; only the schema is checked, as before.
 */
function hasRunSchema(o: Record<string, unknown>): o is Record<string, unknown> & RunManifest {
  return o.schema === RUN_SCHEMA;
}

/** A variants.jsonl record as the runner wrote it (its id and messages are checked). */
function isVariantRecord(o: Record<string, unknown>): o is Record<string, unknown> & Variant {
  return typeof o.id === "string" && Array.isArray(o.messages);
}

export function readManifest(dir: string): RunManifest {
  const p = runPaths(dir).manifest;
  if (!existsSync(p))
    throw new InputError(
      p,
      null,
      null,
      "not found: is this a run directory (made by 'awareness run')?",
    );
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(p, "utf8"));
  } catch (err) {
    throw new InputError(p, null, null, `is not valid JSON (${(err as Error).message})`);
  }
  const o = asObject(v, [p, null]);
  if (!hasRunSchema(o))
    throw new InputError(
      p,
      null,
      "schema",
      `must be '${RUN_SCHEMA}', got ${JSON.stringify(o.schema)}`,
    );
  return o;
}

export function readVariants(dir: string): Variant[] {
  const p = runPaths(dir).variants;
  return readJsonl(p).map(({ line, value }) => {
    const o = asObject(value, [p, line]);
    if (!isVariantRecord(o)) throw new InputError(p, line, "id", "variant record is malformed");
    return o;
  });
}

/** An exclusive lock on a run directory (O_EXCL file holding the pid); stale locks are taken over. */
export function lockRun(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const p = runPaths(dir).lock;
  for (let tries = 0; tries < 2; tries++) {
    let fd: number | null = null;
    try {
      fd = openSync(p, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (fd !== null) {
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(p);
        } catch {
          // already gone
        }
      };
    }
    const pid = Number(readFileSync(p, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
      throw new Error(`${dir} is in use by process ${pid} (lock file ${p})`);
    unlinkSync(p);
  }
  throw new Error(`could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
