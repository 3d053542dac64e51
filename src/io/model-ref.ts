/**
 * The one resolver from what a user names — a folder, or a zoo organism's name — to the model it
 * means: the folder found, the base model directory, the LoRA adapter folder when there is one,
 * and the base's config.json parsed. The zoo, the CLI, loadModel, the audit and the dashboard all
 * go through it, so a name means the same everywhere, and an audit that resolves once can hand the
 * result on instead of reading the manifest and config.json again.
 */
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { ModelConfig } from "./model-config.js";
import { readModelConfig } from "./config.js";
import { ModelDirError } from "./errors.js";
import { resolveModelDir, type ModelDir } from "./model-dir.js";
import { isAdapterDir, resolveAdapterBase } from "./peft.js";
import { openZoo, zooEntry, type Zoo, type ZooEntry } from "./zoo-manifest.js";

export interface ModelRef {
  /** The folder named: the model's, or the adapter's when it is an adapter. */
  dir: string;
  /** The base model directory (HF layout) and its files. */
  base: ModelDir;
  /** The LoRA adapter folder, or null for a plain model. */
  adapter: string | null;
  /** The base model's config.json, normalised. */
  config: ModelConfig;
  /** The zoo manifest's entry, when the name was a zoo organism's. */
  zooEntry: ZooEntry | null;
}

export interface FindModelOptions {
  /** The zoo to look names up in (read once by the caller); default the package's zoo. */
  zoo?: Zoo;
  /** Resolve relative paths against this folder and return them absolute; default: as given. */
  cwd?: string;
  /** Only names the zoo's manifest lists, never a path on disk (the dashboard's requests). */
  zooOnly?: boolean;
}

/** A name that is neither an existing folder nor a zoo organism. */
export class ModelNotFoundError extends ModelDirError {
  constructor(ref: string, known: readonly string[]) {
    const zoo = known.length ? ` (zoo: ${known.join(", ")})` : "";
    super(ref, `neither a directory nor a zoo organism${zoo}`);
    this.name = "ModelNotFoundError";
  }
}

/** A bare folder name (no separators, not "." or ".."), the only kind looked up inside the zoo. */
function isBareName(ref: string): boolean {
  return ref !== "" && ref !== "." && ref !== ".." && basename(ref) === ref;
}

/**
 * The folder `ref` names: an existing path; else the zoo organism of that name in the manifest;
 * else zoo/<ref> when such a folder exists (an organism built but not yet in the manifest).
 */
export function findModelDir(
  ref: string,
  o: FindModelOptions = {},
): { dir: string; entry: ZooEntry | null } {
  if (!o.zooOnly && existsSync(resolve(o.cwd ?? ".", ref)))
    return { dir: o.cwd === undefined ? ref : resolve(o.cwd, ref), entry: null };
  const zoo = o.zoo ?? openZoo();
  const entry = zooEntry(zoo, ref);
  if (entry) return { dir: join(zoo.dir, entry.dir), entry };
  if (!o.zooOnly && isBareName(ref) && existsSync(join(zoo.dir, ref)))
    return { dir: join(zoo.dir, ref), entry: null };
  throw new ModelNotFoundError(
    ref,
    zoo.manifest.organisms.map((x) => x.name),
  );
}

/** The folder, base, adapter and config `ref` names (see findModelDir for the lookup). */
export function resolveModelRef(ref: string, o: FindModelOptions = {}): ModelRef {
  const { dir, entry } = findModelDir(ref, o);
  return modelRefAt(dir, entry);
}

/**
 * An adapter folder loaded on the base model folder given here, not on the one its
 * adapter_config.json names (an organism built in another checkout names a path into that one).
 */
export function adapterRefOn(adapterDir: string, baseDir: string): ModelRef {
  const base = resolveModelDir(baseDir);
  return {
    dir: adapterDir,
    base,
    adapter: adapterDir,
    config: readModelConfig(base.path),
    zooEntry: null,
  };
}

/**
 * The base, adapter and config of a folder already found: an adapter folder's base is the model
 * its adapter_config.json names. ModelDirError when the base lacks config.json or weights.
 */
export function modelRefAt(dir: string, entry: ZooEntry | null = null): ModelRef {
  const adapter = isAdapterDir(dir) ? dir : null;
  const base = resolveModelDir(adapter ? resolveAdapterBase(adapter) : dir);
  return { dir, base, adapter, config: readModelConfig(base.path), zooEntry: entry };
}
