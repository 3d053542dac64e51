/**
 * lexicon.json beside a base model: the concepts with their train and held-out words, so the
 * backdoor data, evaluation and audits of every organism built on that base use the same split.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import type { Lexicon } from "./lexicon.js";

export const LEXICON_FILE = "lexicon.json";

export interface LexiconConcept {
  name: string;
  label: string;
  train: string[];
  heldOut: string[];
  glosses: Record<string, string>;
}

export interface LexiconFile {
  seed: number;
  concepts: LexiconConcept[];
}

export class LexiconFileError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "LexiconFileError";
  }
}

export function lexiconToFile(lex: Lexicon): LexiconFile {
  return {
    seed: lex.seed,
    concepts: lex.concepts.map((c) => ({
      name: c.name,
      label: c.label,
      train: [...c.train],
      heldOut: [...c.heldOut],
      glosses: Object.fromEntries(c.words.map((w) => [w.word, w.gloss])),
    })),
  };
}

export function writeLexiconFile(dir: string, lex: Lexicon): void {
  writeFileAtomic(join(dir, LEXICON_FILE), JSON.stringify(lexiconToFile(lex)) + "\n");
}

/** Reads lexicon.json from a directory, or the file itself when given a .json path. */
export function readLexiconFile(dirOrFile: string): LexiconFile {
  const path = dirOrFile.endsWith(".json") ? dirOrFile : join(dirOrFile, LEXICON_FILE);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new LexiconFileError(path, `cannot read (${(e as Error).message})`);
  }
  const f = v as LexiconFile;
  if (!Array.isArray(f?.concepts))
    throw new LexiconFileError(path, "field 'concepts' must be a list");
  f.concepts.forEach((c, i) => {
    for (const k of ["train", "heldOut"] as const) {
      if (!Array.isArray(c[k]) || !c[k].every((w) => typeof w === "string")) {
        throw new LexiconFileError(path, `field 'concepts[${i}].${k}' must be a list of words`);
      }
    }
    if (typeof c.name !== "string" || typeof c.label !== "string") {
      throw new LexiconFileError(path, `concepts[${i}] needs string 'name' and 'label'`);
    }
  });
  return f;
}

/** The concept of that name, or an error naming the file and the known names. */
export function conceptOf(f: LexiconFile, name: string, file = LEXICON_FILE): LexiconConcept {
  const c = f.concepts.find((x) => x.name === name);
  if (!c) {
    throw new LexiconFileError(
      file,
      `no concept '${name}' (known: ${f.concepts.map((x) => x.name).join(", ")})`,
    );
  }
  return c;
}
