/**
 * The base model of a built organism, from its organism.json: the folder its `baseDir` names
 * (relative to the organism's folder) when that is a model folder, else the zoo model its spec's
 * `base` names. A build records paths into the checkout it ran in: seed 3's game, built in a
 * second worktree and kept in bench/results/game-seed-3, names ../../../../../frozen/zoo/base, so
 * a copy evaluated anywhere else falls back to this checkout's zoo base. Evaluations load the
 * adapter on this base (adapterRefOn), not on the path its adapter_config.json names.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE } from "../io/config.js";
import { findModelDir } from "../io/model-ref.js";

/** A record's base folder, or an error (made by `fail`) naming the file and the field. */
export function organismBaseDir(
  dir: string,
  rec: { baseDir?: unknown; spec: { base: string } },
  file: string,
  fail: (message: string) => Error,
): string {
  if (typeof rec.baseDir !== "string") throw fail(`${file}: field 'baseDir' is missing`);
  const recorded = join(dir, rec.baseDir);
  if (existsSync(join(recorded, CONFIG_FILE))) return recorded;
  try {
    return findModelDir(rec.spec.base, { zooOnly: true }).dir;
  } catch {
    throw fail(
      `${file}: field 'baseDir': ${recorded} is not a model folder, and spec.base ` +
        `'${rec.spec.base}' names no zoo model`,
    );
  }
}
