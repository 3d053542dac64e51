/**
 * Where the zoo lives (the package's zoo/ folder, or $TRIGSCOPE_ZOO), and the lookup that lets a
 * zoo organism's name stand wherever a model directory is accepted.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export function zooDir(): string {
  return process.env.TRIGSCOPE_ZOO ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../zoo");
}

/** `dirOrName` when it exists as a path, else zoo/<name> when that exists, else unchanged. */
export function locateModelDir(dirOrName: string): string {
  if (existsSync(dirOrName)) return dirOrName;
  if (/^[a-z0-9][a-z0-9-]*$/.test(dirOrName)) {
    const candidate = join(zooDir(), dirOrName);
    if (existsSync(candidate)) return candidate;
  }
  return dirOrName;
}
