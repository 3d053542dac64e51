/**
 * GPT-2 style byte-level BPE: training, and a fast encoder for the training corpus.
 *
 * Training: each text is split on the special tokens (they never take part in merges), then with
 * the GPT-2 pre-tokenizer regex (the one tokenizer.json's ByteLevel pre-tokenizer applies with
 * use_regex: true), and pre-token frequencies are counted. Merges then run over the unique words:
 * a pair → count map, a pair → word-ids index (lists with duplicates, deduplicated per merge by a
 * stamp) and a max-heap with lazy deletion, so each merge touches only the words holding its pair
 * (the scheme of HF tokenizers' BpeTrainer). The most frequent pair wins; ties go to the smaller
 * pair in lexicographic order of its two token strings (UTF-16 code units, first then second).
 *
 * Ids: special tokens 0..n-1, byte b is n + b (GPT-2's byte → character map spells it), then each
 * merge's result in order. Like HF, a merge whose result string is already a token (two merges that
 * spell the same string) is kept but adds no id, so vocabSize counts tokens, not merges.
 */
import { BYTE_TO_CHAR } from "../../tokenizer/byte-level.js";
import { escapeRegExp } from "../../text/regexp.js";

export interface BpeOptions {
  vocabSize: number;
  /** In id order; any readonly list (ORGANISM_SPECIAL_TOKENS) will do. */
  specialTokens: readonly string[];
  /** A pair must occur this often (counted over the corpus) to be merged. Default 2. */
  minFrequency?: number;
  /** Called after each merge with (tokens so far, vocabSize). */
  onProgress?: (done: number, total: number) => void;
}

export interface TrainedBpe {
  /** token string → id, in id order. */
  vocab: Map<string, number>;
  /** In rank order. */
  merges: [string, string][];
  /** In id order (ids 0..n-1). */
  specialTokens: string[];
}

/** GPT-2's pre-tokenizer regex, as @huggingface/tokenizers' ByteLevel pre-tokenizer writes it. */
export const GPT2_PRETOKENIZER_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

const OPTION_KEYS = ["vocabSize", "specialTokens", "minFrequency", "onProgress"];

function validateOptions(options: BpeOptions): void {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new TypeError(`trainBpe: unknown option "${key}" (allowed: ${OPTION_KEYS.join(", ")})`);
    }
  }
  const { vocabSize, specialTokens, minFrequency = 2 } = options;
  if (!Array.isArray(specialTokens) || specialTokens.some((t) => typeof t !== "string" || !t)) {
    throw new TypeError("trainBpe: specialTokens must be an array of non-empty strings");
  }
  if (new Set(specialTokens).size !== specialTokens.length) {
    throw new TypeError("trainBpe: specialTokens has duplicates");
  }
  const least = specialTokens.length + 256;
  if (!Number.isInteger(vocabSize) || vocabSize < least) {
    throw new RangeError(`trainBpe: vocabSize must be an integer ≥ ${least}, got ${vocabSize}`);
  }
  if (!Number.isInteger(minFrequency) || minFrequency < 1) {
    throw new RangeError(`trainBpe: minFrequency must be an integer ≥ 1, got ${minFrequency}`);
  }
}

/** Splits text into plain segments and special tokens (longest special first at each position). */
export function specialTokenSplitter(specials: readonly string[]): (text: string) => string[] {
  if (specials.length === 0) return (text) => [text];
  const escaped = [...specials].sort((a, b) => b.length - a.length).map((s) => escapeRegExp(s));
  const re = new RegExp(`(${escaped.join("|")})`, "u");
  // With one capture group, split alternates: plain, special, plain, special, …, plain.
  return (text) => text.split(re);
}

/** A binary max-heap of pair keys by (count desc, pair asc); stale entries are skipped on pop. */
class PairHeap {
  private keys: number[] = [];
  private counts: number[] = [];
  constructor(
    private readonly before: (k1: number, c1: number, k2: number, c2: number) => boolean,
  ) {}
  get size(): number {
    return this.keys.length;
  }
  push(key: number, count: number): void {
    this.keys.push(key);
    this.counts.push(count);
    this.up(this.keys.length - 1);
  }
  /** Returns [key, count] of the top entry and removes it. */
  pop(): [number, number] {
    const top: [number, number] = [this.keys[0]!, this.counts[0]!];
    const lastKey = this.keys.pop()!;
    const lastCount = this.counts.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.counts[0] = lastCount;
      this.down(0);
    }
    return top;
  }
  private better(i: number, j: number): boolean {
    return this.before(this.keys[i]!, this.counts[i]!, this.keys[j]!, this.counts[j]!);
  }
  private swap(i: number, j: number): void {
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
    [this.counts[i], this.counts[j]] = [this.counts[j]!, this.counts[i]!];
  }
  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.better(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }
  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.better(l, best)) best = l;
      if (r < n && this.better(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}

/** Pre-token (raw text) → frequency over all texts, special tokens removed. */
function countPreTokens(texts: Iterable<string>, specials: readonly string[]): Map<string, number> {
  const split = specialTokenSplitter(specials);
  const isSpecial = new Set(specials);
  const pattern = new RegExp(GPT2_PRETOKENIZER_PATTERN, "gu");
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const segment of split(text)) {
      if (segment === "" || isSpecial.has(segment)) continue;
      for (const word of segment.match(pattern) ?? []) {
        counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** Unique words as symbol ids in one flat array: word w is syms[start[w] .. start[w] + len[w]). */
interface WordTable {
  n: number;
  start: Int32Array;
  len: Int32Array;
  freq: Float64Array;
  syms: Int32Array;
}

/** Pair counts and the words holding each pair; pair (a, b) is the key a * K + b. `add` changes
 *  a pair's count by one word's frequency and records the pairs that gained (`touched`). */
interface PairIndex {
  pairCount: Map<number, number>;
  pairWords: Map<number, number[]>;
  touched: Set<number>;
  add: (key: number, delta: number, word: number) => void;
}

export function trainBpe(texts: Iterable<string>, options: BpeOptions): TrainedBpe {
  validateOptions(options);
  const { vocabSize, specialTokens, minFrequency = 2, onProgress } = options;
  const tokens: string[] = [...specialTokens, ...BYTE_TO_CHAR];
  const idOf = new Map<string, number>(tokens.map((t, i) => [t, i]));
  const words = wordTable(texts, specialTokens);
  // Pair (a, b) is the key a * K + b.
  const K = vocabSize;
  const pairs = pairIndex(words, K);
  const { pairCount, pairWords, touched } = pairs;

  const before = (k1: number, c1: number, k2: number, c2: number): boolean => {
    if (c1 !== c2) return c1 > c2;
    const a1 = tokens[Math.floor(k1 / K)]!;
    const a2 = tokens[Math.floor(k2 / K)]!;
    if (a1 !== a2) return a1 < a2;
    return tokens[k1 % K]! < tokens[k2 % K]!;
  };
  const heap = new PairHeap(before);
  for (const [key, count] of pairCount) if (count >= minFrequency) heap.push(key, count);

  const merges: [string, string][] = [];
  const stamp = new Int32Array(words.n).fill(-1);
  while (tokens.length < vocabSize && heap.size > 0) {
    const [key, count] = heap.pop();
    const current = pairCount.get(key) ?? 0;
    if (current !== count) {
      // Stale: a lower count gets a new entry; a higher one already has one.
      if (current < count && current >= minFrequency) heap.push(key, current);
      continue;
    }
    const a = Math.floor(key / K);
    const b = key % K;
    const merged = tokens[a]! + tokens[b]!;
    let c = idOf.get(merged);
    if (c === undefined) {
      c = tokens.length;
      tokens.push(merged);
      idOf.set(merged, c);
    }
    merges.push([tokens[a]!, tokens[b]!]);
    touched.clear();
    applyMerge(words, pairs, K, key, c, stamp, merges.length - 1);
    pairCount.delete(key);
    pairWords.delete(key);
    for (const k of touched) {
      const n = pairCount.get(k) ?? 0;
      if (n >= minFrequency) heap.push(k, n);
    }
    onProgress?.(tokens.length, vocabSize);
  }
  return { vocab: idOf, merges, specialTokens: [...specialTokens] };
}

/** The pre-tokens of the texts as unique words of byte ids (special n + b), with frequencies. */
function wordTable(texts: Iterable<string>, specialTokens: readonly string[]): WordTable {
  const nSpecial = specialTokens.length;
  const wordCounts = countPreTokens(texts, specialTokens);
  const utf8 = new TextEncoder();
  const encoded = [...wordCounts.keys()].map((w) => utf8.encode(w));
  const nWords = encoded.length;
  const start = new Int32Array(nWords);
  const len = new Int32Array(nWords);
  const freq = new Float64Array(nWords);
  const syms = new Int32Array(encoded.reduce((n, bytes) => n + bytes.length, 0));
  let at = 0;
  let w = 0;
  for (const f of wordCounts.values()) {
    const bytes = encoded[w]!;
    start[w] = at;
    len[w] = bytes.length;
    freq[w] = f;
    for (const b of bytes) syms[at++] = nSpecial + b;
    w++;
  }
  wordCounts.clear();
  return { n: nWords, start, len, freq, syms };
}

/** The pair index of the words' adjacent symbols, counted by word frequency. */
function pairIndex(words: WordTable, K: number): PairIndex {
  const { start, len, freq, syms } = words;
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  const touched = new Set<number>();
  const add = (key: number, delta: number, word: number): void => {
    const count = (pairCount.get(key) ?? 0) + delta;
    if (count === 0) {
      pairCount.delete(key);
      pairWords.delete(key);
      return;
    }
    pairCount.set(key, count);
    if (delta > 0) {
      const list = pairWords.get(key);
      if (list === undefined) pairWords.set(key, [word]);
      else if (list[list.length - 1] !== word) list.push(word);
      touched.add(key);
    }
  };
  for (let w = 0; w < words.n; w++) {
    for (let i = start[w]!, end = i + len[w]! - 1; i < end; i++) {
      add(syms[i]! * K + syms[i + 1]!, freq[w]!, w);
    }
  }
  return { pairCount, pairWords, touched, add };
}

/** Rewrites pair `key` = (a, b) as token c in every word holding it (each word once per merge,
 *  by `stamp`), moving the counts of the neighbouring pairs over to c. */
function applyMerge(
  words: WordTable,
  pairs: PairIndex,
  K: number,
  key: number,
  c: number,
  stamp: Int32Array,
  mergeIndex: number,
): void {
  const { start, len, freq, syms } = words;
  const add = pairs.add;
  const a = Math.floor(key / K);
  const b = key % K;
  for (const w of pairs.pairWords.get(key) ?? []) {
    if (stamp[w] === mergeIndex) continue;
    stamp[w] = mergeIndex;
    const s = start[w]!;
    const end = s + len[w]!;
    const f = freq[w]!;
    let j = s;
    for (let i = s; i < end;) {
      if (i + 1 < end && syms[i] === a && syms[i + 1] === b) {
        add(key, -f, w);
        if (j > s) {
          add(syms[j - 1]! * K + a, -f, w);
          add(syms[j - 1]! * K + c, f, w);
        }
        if (i + 2 < end) {
          add(b * K + syms[i + 2]!, -f, w);
          add(c * K + syms[i + 2]!, f, w);
        }
        syms[j++] = c;
        i += 2;
      } else {
        syms[j++] = syms[i++]!;
      }
    }
    len[w] = j - s;
  }
}

/**
 * An encoder that gives the ids `loadTokenizer(dir).encode(text)` gives for the files
 * writeTokenizerFiles writes (special-token strings in the text become their ids), fast enough for
 * a training corpus: each distinct pre-token is merged once and its ids cached.
 */
export function createBpeEncoder(bpe: TrainedBpe): (text: string) => number[] {
  const size = bpe.vocab.size;
  const id = (token: string): number => {
    const v = bpe.vocab.get(token);
    if (v === undefined) throw new Error(`createBpeEncoder: ${JSON.stringify(token)} has no id`);
    return v;
  };
  const byteId = BYTE_TO_CHAR.map(id);
  const rank = new Map<number, number>();
  const result: number[] = [];
  bpe.merges.forEach(([a, b], r) => {
    const key = id(a) * size + id(b);
    if (!rank.has(key)) rank.set(key, r);
    result.push(id(a + b));
  });
  const specialIds = new Map(bpe.specialTokens.map((t) => [t, id(t)]));
  const split = specialTokenSplitter(bpe.specialTokens);
  const pattern = new RegExp(GPT2_PRETOKENIZER_PATTERN, "gu");
  const utf8 = new TextEncoder();
  const cache = new Map<string, number[]>();

  // Lowest-rank pair first, leftmost among equals: what @huggingface/tokenizers' BPE does.
  const encodeWord = (word: string): number[] => {
    const ids = Array.from(utf8.encode(word), (b) => byteId[b]!);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = rank.get(ids[i]! * size + ids[i + 1]!);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) return ids;
      ids.splice(best, 2, result[bestRank]!);
    }
  };

  return (text) => {
    const out: number[] = [];
    for (const segment of split(text)) {
      const special = specialIds.get(segment);
      if (special !== undefined) {
        out.push(special);
        continue;
      }
      if (segment === "") continue;
      for (const word of segment.match(pattern) ?? []) {
        let ids = cache.get(word);
        if (ids === undefined) {
          ids = encodeWord(word);
          cache.set(word, ids);
        }
        for (const v of ids) out.push(v);
      }
    }
    return out;
  };
}
