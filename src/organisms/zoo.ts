/**
 * The zoo: organisms shipped in the repository under zoo/, listed in zoo/manifest.json (specs,
 * metrics, file hashes). Zoo organisms are addressed by name wherever a model directory is taken.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { zooDir } from "../io/zoo-dir.js";

export { zooDir };

export const ZOO_MANIFEST = "manifest.json";

export interface ZooEntry {
  name: string;
  kind: "base" | "backdoor";
  dir: string;
  description: string;
  trigger?: { mode: "all" | "any"; concepts: string[] };
  response?: string;
  metrics?: Record<string, unknown>;
  files: Record<string, { bytes: number; sha256: string }>;
}

export interface ZooManifest {
  version: 1;
  organisms: ZooEntry[];
}

export class ZooError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZooError";
  }
}

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

/** A directory as given when it exists, else the zoo organism of that name. */
export function resolveOrganismDir(dirOrName: string, base = process.cwd()): string {
  const asPath = resolve(base, dirOrName);
  if (existsSync(asPath)) return asPath;
  const zoo = zooDir();
  const entry = readZooManifest(zoo).organisms.find((o) => o.name === dirOrName);
  if (entry) return join(zoo, entry.dir);
  if (existsSync(join(zoo, dirOrName))) return join(zoo, dirOrName);
  const names = readZooManifest(zoo).organisms.map((o) => o.name);
  throw new ZooError(
    `'${dirOrName}' is neither a directory nor a zoo organism${names.length ? ` (zoo: ${names.join(", ")})` : ""}`,
  );
}
