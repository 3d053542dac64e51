/**
 * Finding the SAEs under a folder (for `trigscope model info` and the like): every folder down to
 * a bounded depth that holds a SAELens cfg.json, a Llama Scope hyperparams.json or a GemmaScope
 * params.npz is read with its own reader, so a SAE that is listed is one that loads; a folder that
 * looks like a SAE but does not load is listed with the reader's error (file, field, reason).
 * Hidden folders and node_modules are skipped, symbolic links followed once, and a SAE's own
 * subfolders (Llama Scope's checkpoints/) are not searched again. Reading checks the weights, so
 * listing costs a read of each SAE's weight file.
 */
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkPublishedWidth, publishedHook, readGemmaScopeWeights } from "./gemmascope.js";
import { detectSaeFormat, loadSae } from "./load.js";
import { SaeError, type SaeArchitecture, type SaeFormat } from "./types.js";

export interface FoundSae {
  /** The SAE's folder. */
  path: string;
  format: SaeFormat;
  architecture: SaeArchitecture;
  /** Null for a GemmaScope params.npz whose folders name no hook (give it when loading). */
  hookName: string | null;
  dIn: number;
  dSae: number;
}

export interface BrokenSae {
  path: string;
  format: SaeFormat;
  /** The reader's error: the file and field it names, and the whole message. */
  error: { file: string; field: string | null; message: string };
}

export type SaeListing = FoundSae | BrokenSae;

export interface FindSaesOptions {
  /** Folder levels below `root` searched (4: root/a/b/c/d). */
  maxDepth?: number;
}
const FIND_KEYS = new Set(["maxDepth"]);

/** The SAEs under `root` (root included), in path order. */
export function findSaes(root: string, opts: FindSaesOptions = {}): SaeListing[] {
  for (const k of Object.keys(opts)) {
    if (!FIND_KEYS.has(k)) throw new Error(`findSaes: unknown option '${k}'`);
  }
  const maxDepth = opts.maxDepth ?? 4;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new Error(`findSaes: maxDepth must be an integer ≥ 0, got ${maxDepth}`);
  }
  if (!existsSync(root)) throw new Error(`findSaes: ${root}: no such folder`);
  const out: SaeListing[] = [];
  const seen = new Set<string>();
  const visit = (dir: string, depth: number): void => {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const format = detectSaeFormat(dir);
    if (format !== null) {
      out.push(describe(dir, format));
      return;
    }
    if (depth === maxDepth) return;
    for (const name of subfolders(dir)) visit(join(dir, name), depth + 1);
  };
  visit(root, 0);
  return out;
}

function subfolders(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith(".") && n !== "node_modules")
    .filter((n) => {
      try {
        return statSync(join(dir, n)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

/** Reads the SAE in `dir` far enough to be sure it loads. */
function describe(dir: string, format: SaeFormat): SaeListing {
  try {
    if (format === "gemmascope") {
      const { file, weights, arrayNames } = readGemmaScopeWeights(dir);
      const [dIn, dSae] = weights.wEnc.shape as [number, number];
      checkPublishedWidth(file, arrayNames.wEnc, dSae);
      return {
        path: dir,
        format,
        architecture: "jumprelu",
        hookName: publishedHook(file),
        dIn,
        dSae,
      };
    }
    const c = loadSae(dir).config;
    return {
      path: dir,
      format,
      architecture: c.architecture,
      hookName: c.hookName,
      dIn: c.dIn,
      dSae: c.dSae,
    };
  } catch (err) {
    if (!(err instanceof SaeError)) throw err;
    return { path: dir, format, error: { file: err.file, field: err.field, message: err.message } };
  }
}
