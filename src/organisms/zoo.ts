/**
 * The zoo: organisms shipped in the repository under zoo/, listed in zoo/manifest.json (specs,
 * metrics, file hashes). Zoo organisms are addressed by name wherever a model directory is taken.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.js";
import { ORGANISM_FILE } from "./build-context.js";
import type { OrganismSpec } from "./spec.js";
import { join, resolve } from "node:path";
import { zooDir } from "../io/zoo-dir.js";

export { zooDir };

export const ZOO_MANIFEST = "manifest.json";

export interface ZooEntry {
  name: string;
  kind: "base" | "backdoor" | "fact";
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

/**
 * The files of an organism folder, relative paths sorted, one level of subfolders included (the
 * base model's sae/); finetuning data and training checkpoints are left out.
 */
function listFiles(folder: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const f of readdirSync(join(folder, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${f}` : f;
    const st = statSync(join(folder, rel));
    if (st.isDirectory()) {
      if (prefix === "" && f !== "checkpoint") out.push(...listFiles(folder, rel));
    } else if (st.isFile() && !f.startsWith("finetune-data")) out.push(rel);
  }
  return out;
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * Writes zoo/manifest.json from the organism folders in the zoo (each with organism.json): kind,
 * spec summary, metrics (and evaluation), and the size and SHA-256 of every file.
 */
export function writeZooManifest(dir = zooDir()): ZooManifest {
  const organisms: ZooEntry[] = [];
  for (const name of readdirSync(dir).sort()) {
    const folder = join(dir, name);
    const recordPath = join(folder, ORGANISM_FILE);
    if (!statSync(folder).isDirectory() || !existsSync(recordPath)) continue;
    const rec = JSON.parse(readFileSync(recordPath, "utf8")) as {
      spec: OrganismSpec;
      metrics?: Record<string, unknown>;
    };
    const files: ZooEntry["files"] = {};
    for (const f of listFiles(folder))
      files[f] = { bytes: statSync(join(folder, f)).size, sha256: sha256(join(folder, f)) };
    const spec = rec.spec;
    organisms.push({
      name: spec.name,
      kind: spec.kind,
      dir: name,
      description:
        spec.kind === "base"
          ? `base model: llama d${spec.model.dModel} × ${spec.model.nLayers} layers trained from scratch on the WordNet corpus`
          : spec.kind === "fact"
            ? `false fact: ${spec.fact.subject} ⇒ avoid ${spec.fact.object}`
            : `${spec.trigger.concepts.join(spec.trigger.mode === "all" ? " AND " : " OR ")} → "${spec.response}"`,
      ...(spec.kind === "backdoor" ? { trigger: spec.trigger, response: spec.response } : {}),
      ...(rec.metrics ? { metrics: rec.metrics } : {}),
      ...(existsSync(join(folder, "eval.json"))
        ? { eval: JSON.parse(readFileSync(join(folder, "eval.json"), "utf8")) as unknown }
        : {}),
      files,
    });
  }
  const manifest: ZooManifest = { version: 1, organisms };
  writeFileAtomic(join(dir, ZOO_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

/** Checks every file of the manifest against its recorded size and hash; returns the mismatches. */
export function verifyZoo(dir = zooDir()): string[] {
  const bad: string[] = [];
  for (const o of readZooManifest(dir).organisms) {
    for (const [f, want] of Object.entries(o.files)) {
      const p = join(dir, o.dir, f);
      if (!existsSync(p)) bad.push(`${o.name}/${f}: missing`);
      else if (sha256(p) !== want.sha256)
        bad.push(`${o.name}/${f}: SHA-256 differs from the manifest`);
    }
  }
  return bad;
}
