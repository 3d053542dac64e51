/**
 * Resolution of a model directory in HF layout: it must exist and hold config.json and weights
 * (model.safetensors, or model.safetensors.index.json for shards). Optional tokenizer and
 * generation files are listed when present.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CONFIG_FILE } from "./config.js";
import { ModelDirError } from "./errors.js";
import { INDEX_FILE, SINGLE_FILE } from "./sharded.js";

export interface ModelDir {
  /** Absolute path of the directory. */
  path: string;
  configFile: string;
  /** model.safetensors, or model.safetensors.index.json when the weights are sharded. */
  weightsFile: string;
  sharded: boolean;
  /** Optional files: the absolute path when present, else null. */
  tokenizerFile: string | null;
  tokenizerConfigFile: string | null;
  generationConfigFile: string | null;
}

export interface ResolveOptions {
  /** Directories in which a bare name is looked up when it is not a path that exists. */
  searchDirs?: readonly string[];
}

/**
 * Resolves a directory path (or a name found under one of `searchDirs`) to a ModelDir. Throws
 * ModelDirError naming the missing directory or files.
 */
export function resolveModelDir(dirOrName: string, options: ResolveOptions = {}): ModelDir {
  const path = findDirectory(dirOrName, options.searchDirs ?? []);
  const configFile = join(path, CONFIG_FILE);
  const single = join(path, SINGLE_FILE);
  const index = join(path, INDEX_FILE);
  const weightsFile = isFile(single) ? single : isFile(index) ? index : null;
  const missing: string[] = [];
  if (!isFile(configFile)) missing.push(configFile);
  if (weightsFile === null) missing.push(single);
  if (missing.length > 0) {
    const names = [
      ...(isFile(configFile) ? [] : [CONFIG_FILE]),
      ...(weightsFile === null ? [`${SINGLE_FILE} (or ${INDEX_FILE})`] : []),
    ];
    throw new ModelDirError(missing[0]!, `missing ${names.join(" and ")}${weightsHint(path)}`);
  }
  const optional = (name: string) => (isFile(join(path, name)) ? join(path, name) : null);
  return {
    path,
    configFile,
    weightsFile: weightsFile!,
    sharded: weightsFile === index,
    tokenizerFile: optional("tokenizer.json"),
    tokenizerConfigFile: optional("tokenizer_config.json"),
    generationConfigFile: optional("generation_config.json"),
  };
}

function findDirectory(dirOrName: string, searchDirs: readonly string[]): string {
  const direct = resolve(dirOrName);
  if (existsSync(direct)) {
    if (!statSync(direct).isDirectory()) throw new ModelDirError(direct, "is not a directory");
    return direct;
  }
  for (const base of searchDirs) {
    const candidate = resolve(base, dirOrName);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  }
  const where = searchDirs.length > 0 ? ` (also looked in ${searchDirs.join(", ")})` : "";
  throw new ModelDirError(direct, `model directory does not exist${where}`);
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** Points at PyTorch pickles when there are no safetensors, since only safetensors are read. */
function weightsHint(dir: string): string {
  const pickles = readdirSync(dir).filter(
    (f) => f.startsWith("pytorch_model") && f.endsWith(".bin"),
  );
  if (pickles.length === 0) return "";
  return `; found ${pickles[0]} — convert the weights to safetensors (only safetensors are read)`;
}
