/**
 * The prompt source of `--prompts FILE`: benign prompts from a file (a JSON list of strings, or
 * one prompt per non-empty line), split by the seed into the prompts the methods see and held-out
 * ones. Knows nothing of the zoo.
 */
import { existsSync, readFileSync } from "node:fs";
import { mulberry32 } from "../random/seeded.js";
import { AuditInputError } from "./errors.js";
import type { BenignPrompts, PromptSource } from "./prompt-source.js";

/** Benign prompts from a file: a JSON list of strings, or one prompt per non-empty line. */
export function readPromptFile(path: string): string[] {
  if (!existsSync(path)) throw new AuditInputError("prompts", `${path}: no such file`);
  const text = readFileSync(path, "utf8");
  let prompts: string[];
  if (text.trimStart().startsWith("[")) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new AuditInputError("prompts", `${path}: not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(v) || v.some((p) => typeof p !== "string"))
      throw new AuditInputError("prompts", `${path}: must be a JSON list of strings`);
    prompts = v as string[];
  } else prompts = text.split("\n");
  prompts = prompts.map((p) => p.trim());
  const isJson = text.trimStart().startsWith("[");
  const empty = isJson ? prompts.findIndex((p) => p === "") : -1;
  if (empty >= 0) throw new AuditInputError("prompts", `${path}: prompt ${empty} is empty`);
  prompts = prompts.filter((p) => p !== "");
  if (prompts.length < 2)
    throw new AuditInputError(
      "prompts",
      `${path}: needs at least 2 prompts, got ${prompts.length}`,
    );
  return prompts;
}

/**
 * The prompts of a file as a PromptSource: a seeded shuffle, then up to `nTrain` prompts (at most
 * half the file) for the methods and up to `nHeld` of the rest held out for steering success. The
 * file is read when the prompts are asked for, after the model and SAE are checked.
 */
export function promptFile(path: string): PromptSource {
  return {
    describe: () => path,
    benign: (nTrain, nHeld, seed): BenignPrompts => {
      const order = readPromptFile(path)
        .map((p, i) => [mulberry32(seed + i)(), p] as const)
        .sort((a, b) => a[0] - b[0]);
      const shuffled = order.map(([, p]) => p);
      const k = Math.min(nTrain, Math.ceil(shuffled.length / 2));
      return { train: shuffled.slice(0, k), heldOut: shuffled.slice(k, k + nHeld) };
    },
  };
}
