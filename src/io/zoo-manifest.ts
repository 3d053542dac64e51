/**
 * Where the zoo lives (the package's zoo/ folder, or $TRIGSCOPE_ZOO) and its manifest.json (the
 * organisms' names, folders, specs, metrics and file hashes). Reading the manifest sits in io/ so
 * that the one model resolver (model-ref.ts) can look zoo names up without importing the code that
 * builds the zoo; writing and verifying it stay in organisms/zoo.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ZOO_MANIFEST = "manifest.json";

export interface ZooEntry {
  name: string;
  kind: "base" | "backdoor" | "fact" | "reasoning-base" | "reasoning-backdoor";
  dir: string;
  description: string;
  trigger?: { mode: "all" | "any"; concepts: string[] };
  response?: string;
  metrics?: Record<string, unknown>;
  /** eval.json of the folder (held-out action rates, or a base model's factual recall). */
  eval?: unknown;
  files: Record<string, { bytes: number; sha256: string }>;
}

export interface ZooManifest {
  version: 1;
  organisms: ZooEntry[];
}

/** The zoo folder with its manifest, read once and passed to whatever resolves names in it. */
export interface Zoo {
  dir: string;
  manifest: ZooManifest;
}

export class ZooError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZooError";
  }
}

export function zooDir(): string {
  return process.env.TRIGSCOPE_ZOO ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../zoo");
}

/** The manifest of a zoo folder; an empty one when the folder has none. */
export function readZooManifest(dir = zooDir()): ZooManifest {
  const path = join(dir, ZOO_MANIFEST);
  if (!existsSync(path)) return { version: 1, organisms: [] };
  let m: ZooManifest;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ZooError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(m.organisms)) throw new ZooError(`${path}: field 'organisms' must be a list`);
  return m;
}

export function openZoo(dir = zooDir()): Zoo {
  return { dir, manifest: readZooManifest(dir) };
}

/** The manifest's entry of that name, or null. */
export function zooEntry(zoo: Zoo, name: string): ZooEntry | null {
  return zoo.manifest.organisms.find((o) => o.name === name) ?? null;
}
