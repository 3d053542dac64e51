/**
 * Labelling SAE latents from token-level activations (however they were computed).
 *
 * Shapes: N tokens, S = dSae latents, k = active latents kept per token (sparse form), C concepts.
 * Input activations are dense [N × S] token-major, or top-k [N × k] (indices, values; a value of 0
 * is padding). For each latent: top-activating contexts (token marked «token»), top words (mean
 * and max activation over each word's tokens), and the lexicon concept whose membership best
 * predicts the activation over all N tokens by AUROC, with a short label such as
 * "fruit (AUROC 0.97): mango, pear, plum". Dead latents are labelled "dead"; below `minAuroc`
 * the label is the top words alone.
 *
 * AUROC is the Mann–Whitney U statistic with ties counted as ½: U = R₊ − P(P+1)/2 where R₊ is the
 * sum of the positives' midranks among all N scores, AUROC = U / (P·(N−P)).
 *
 * Cost (why 200k tokens × 4096 latents is fine): one pass over the input builds a per-latent
 * column of its nonzero entries (O(N·k), or O(N·S) dense). Tokens where a latent is 0 form one tie
 * block whose midrank is known without sorting, so per latent only its nz nonzero values are
 * sorted (native typed-array sort, O(nz log nz)) and only its nonzero entries that fall on concept
 * tokens are ranked (binary search); each concept's rank sum then adds (P − positives seen) × the
 * zero block's midrank. Word means, maxima and top contexts likewise touch only the nonzero
 * entries. Nothing is O(N) per latent, so the total is O(N·k + nnz·log nnz + S·C), with nnz ≤ N·k.
 */
import type { LexiconFile } from "../lexicon/lexicon-file.js";
import type { LatentRecord, TopContext, TopWord } from "./labels.js";

export interface TopKActivations {
  /** Active latents per token. */
  k: number;
  /** [N × k] latent indices. */
  indices: Int32Array | Uint32Array | Uint16Array;
  /** [N × k] activations; 0 marks padding. */
  values: Float32Array;
}

export interface LabelLatentsOptions {
  /** Decoded text of each of the N tokens. */
  tokens: string[];
  /** For each token, the word it belongs to (every piece of a multi-token word maps to it), or
   *  null; only these words are matched against the lexicon. Null tokens count as their trimmed
   *  text for top words. */
  words: (string | null)[];
  /** Dense Float32Array [N × dSae] (token-major) or the top-k form. */
  activations: Float32Array | TopKActivations;
  dSae: number;
  /** Concepts to test (train and held-out words both count as members). */
  lexicon?: LexiconFile;
  /** Context text of a token, already marked «token»; default: a window of tokens. */
  contextOf?: (tokenIndex: number) => string;
  /** Document of each token, so default context windows stop at document boundaries. */
  docIds?: ArrayLike<number>;
  /** Tokens before and after in default contexts (12, 4). */
  contextWindow?: { before: number; after: number };
  /** Contexts and words kept per latent (10). */
  topK?: number;
  /** Words named in a label (3). */
  labelWords?: number;
  /** Smallest AUROC for which a latent is labelled with a concept (0.7). */
  minAuroc?: number;
  /**
   * Score each occurrence of a word once, by its largest activation over the word's tokens
   * (other tokens stay single units), instead of every token on its own. A concept latent often
   * fires on one piece of a multi-token word ("m|ango"); token-level AUROC counts the silent
   * pieces as misses. Consecutive tokens of one document with the same word form an occurrence.
   */
  poolWords?: boolean;
}

export interface ConceptBest {
  concept: string;
  label: string;
  /** Tokens that belong to the concept's words. */
  positives: number;
  /** The latent with the highest AUROC for this concept, or null (no tokens / all dead). */
  latent: number | null;
  auroc: number | null;
}

export interface LabelLatentsResult {
  latents: LatentRecord[];
  concepts: ConceptBest[];
  warnings: string[];
}

const OPTION_KEYS = new Set([
  "tokens",
  "words",
  "activations",
  "dSae",
  "lexicon",
  "contextOf",
  "docIds",
  "contextWindow",
  "topK",
  "labelWords",
  "minAuroc",
  "poolWords",
]);

/** Per-latent columns of the nonzero activations (token indices increasing within a column). */
interface Columns {
  ptr: Float64Array; // [S + 1]
  rows: Int32Array; // [nnz]
  vals: Float32Array; // [nnz]
}

/** Concept membership per token, CSR: concepts of token t are list[ptr[t] .. ptr[t+1]). */
interface Membership {
  ptr: Int32Array;
  list: Int32Array;
  positives: Float64Array; // [C]
}

/** Validates the options; returns the defaults filled in. */
function checkOptions(opts: LabelLatentsOptions) {
  for (const k of Object.keys(opts)) {
    if (!OPTION_KEYS.has(k)) throw new Error(`labelLatents: unknown option '${k}'`);
  }
  const { words, dSae } = opts;
  const n = opts.tokens.length;
  const topK = opts.topK ?? 10;
  const labelWords = opts.labelWords ?? 3;
  const minAuroc = opts.minAuroc ?? 0.7;
  if (words.length !== n) {
    throw new Error(`labelLatents: ${n} tokens but ${words.length} words (one per token)`);
  }
  if (!Number.isInteger(dSae) || dSae <= 0) throw new Error(`labelLatents: bad dSae ${dSae}`);
  if (!Number.isInteger(topK) || topK <= 0) throw new Error(`labelLatents: bad topK ${topK}`);
  if (!(minAuroc >= 0 && minAuroc <= 1)) throw new Error(`labelLatents: bad minAuroc ${minAuroc}`);
  if (opts.docIds && opts.docIds.length !== n) {
    throw new Error(`labelLatents: ${n} tokens but ${opts.docIds.length} docIds`);
  }
  return { n, topK, labelWords, minAuroc };
}

/** Word keys for top words (the token's word, else its trimmed text) and tokens per word. */
function wordKeys(tokens: readonly string[], words: readonly (string | null)[]) {
  const n = tokens.length;
  const wordIds = new Int32Array(n);
  const wordNames: string[] = [];
  const idOf = new Map<string, number>();
  for (let t = 0; t < n; t++) {
    const tok = tokens[t] ?? "";
    const key = words[t] ?? (tok.trim() || JSON.stringify(tok));
    let id = idOf.get(key);
    if (id === undefined) {
      id = wordNames.length;
      idOf.set(key, id);
      wordNames.push(key);
    }
    wordIds[t] = id;
  }
  const wordTokens = new Float64Array(wordNames.length);
  for (let t = 0; t < n; t++) wordTokens[wordIds[t]!]! += 1;
  return { wordIds, wordNames, wordTokens };
}

/** The concepts' membership over tokens (or pooled word units), and warnings about them. */
function conceptSetup(opts: LabelLatentsOptions, warnings: string[]) {
  const concepts = opts.lexicon?.concepts ?? [];
  const conceptsOfWord = conceptIndex(concepts);
  const units = opts.poolWords ? wordUnits(opts.words, opts.docIds) : null;
  const member = membership(units ? units.words : opts.words, conceptsOfWord, concepts.length);
  const nUnits = units ? units.words.length : opts.tokens.length;
  const best: ConceptBest[] = concepts.map((c, i) => ({
    concept: c.name,
    label: c.label,
    positives: member.positives[i]!,
    latent: null,
    auroc: null,
  }));
  best.forEach((b) => {
    if (b.positives === 0) warnings.push(`concept '${b.concept}': none of its words occur`);
    else if (b.positives === nUnits)
      warnings.push(`concept '${b.concept}': every token is a member`);
  });
  return { concepts, conceptsOfWord, units, member, nUnits, best };
}

/** Everything the per-latent pass reads, and its reused scratch buffers. */
interface LabelContext {
  n: number;
  topK: number;
  labelWords: number;
  minAuroc: number;
  words: ReturnType<typeof wordKeys>;
  concepts: ReturnType<typeof conceptSetup>;
  contextOf: (tokenIndex: number) => string;
  scratch: RankScratch;
  aurocs: Float64Array;
  wordSum: Float64Array;
  wordMax: Float32Array;
}

/**
 * Fills ctx.aurocs with each concept's AUROC for one latent's column, updates each concept's
 * best latent, and returns the latent's best concept (-1: none).
 */
function scoreConcepts(
  ctx: LabelContext,
  j: number,
  col: { rows: Int32Array; vals: Float32Array; sorted: Float32Array },
): number {
  const { units, member, nUnits, best, concepts } = ctx.concepts;
  const { scratch, aurocs } = ctx;
  if (units) {
    const pooled = poolColumn(col.rows, col.vals, units.unitOf);
    const sortedPooled = pooled.vals.slice().sort();
    conceptAurocs(sortedPooled, pooled.rows, pooled.vals, nUnits, member, scratch, aurocs);
  } else conceptAurocs(col.sorted, col.rows, col.vals, ctx.n, member, scratch, aurocs);
  let bestC = -1;
  for (let c = 0; c < concepts.length; c++) {
    const v = aurocs[c]!;
    if (Number.isNaN(v)) continue;
    if (bestC < 0 || v > aurocs[bestC]!) bestC = c;
    const cb = best[c]!;
    if (cb.auroc === null || v > cb.auroc) {
      cb.auroc = v;
      cb.latent = j;
    }
  }
  return bestC;
}

/** The latent's record: top words and contexts, and its label (a concept's, or its words). */
function latentRecord(
  ctx: LabelContext,
  j: number,
  col: { rows: Int32Array; vals: Float32Array; sorted: Float32Array },
  bestC: number,
): LatentRecord {
  const { rows, vals, sorted } = col;
  const { n, topK, aurocs } = ctx;
  const { wordIds, wordNames, wordTokens } = ctx.words;
  const nz = rows.length;
  const topWords = topWordsOf(
    rows,
    vals,
    wordIds,
    wordNames,
    wordTokens,
    ctx.wordSum,
    ctx.wordMax,
    topK,
  );
  const topContexts = topContextsOf(sorted, rows, vals, topK, ctx.contextOf);
  const record: LatentRecord = {
    index: j,
    label: "",
    topWords,
    topContexts,
    frequency: nz / n,
    maxActivation: Math.max(sorted[nz - 1]!, nz < n ? 0 : -Infinity),
  };
  const named = (ws: TopWord[]) =>
    ws
      .slice(0, ctx.labelWords)
      .map((w) => w.word)
      .join(", ");
  if (bestC >= 0 && aurocs[bestC]! >= ctx.minAuroc) {
    const c = ctx.concepts.concepts[bestC]!;
    const inConcept = topWords.filter((w) =>
      ctx.concepts.conceptsOfWord.get(normWord(w.word))?.includes(bestC),
    );
    record.concept = c.name;
    record.auroc = aurocs[bestC]!;
    record.label = `${c.label} (AUROC ${aurocs[bestC]!.toFixed(2)}): ${named(inConcept.length ? inConcept : topWords)}`;
  } else {
    record.label = named(topWords);
  }
  return record;
}

const deadRecord = (index: number): LatentRecord => ({
  index,
  label: "dead",
  topWords: [],
  topContexts: [],
  frequency: 0,
  maxActivation: 0,
});

export function labelLatents(opts: LabelLatentsOptions): LabelLatentsResult {
  const { n, topK, labelWords, minAuroc } = checkOptions(opts);
  const { tokens, dSae } = opts;
  const warnings: string[] = [];
  const cols = toColumns(opts.activations, n, dSae);
  const words = wordKeys(tokens, opts.words);
  const concepts = conceptSetup(opts, warnings);
  const c = concepts.concepts.length;
  const ctx: LabelContext = {
    n,
    topK,
    labelWords,
    minAuroc,
    words,
    concepts,
    contextOf:
      opts.contextOf ??
      ((t: number) =>
        windowContext(tokens, t, opts.contextWindow ?? { before: 12, after: 4 }, opts.docIds)),
    scratch: new RankScratch(c),
    aurocs: new Float64Array(c),
    wordSum: new Float64Array(words.wordNames.length),
    wordMax: new Float32Array(words.wordNames.length).fill(-Infinity),
  };
  const latents: LatentRecord[] = [];
  for (let j = 0; j < dSae; j++) {
    const a = cols.ptr[j]!;
    const b = cols.ptr[j + 1]!;
    if (b === a) {
      latents.push(deadRecord(j));
      continue;
    }
    const rows = cols.rows.subarray(a, b);
    const vals = cols.vals.subarray(a, b);
    const col = { rows, vals, sorted: vals.slice().sort() };
    const bestC = scoreConcepts(ctx, j, col);
    latents.push(latentRecord(ctx, j, col, bestC));
  }
  return { latents, concepts: concepts.best, warnings };
}

/**
 * Exact AUROC of `scores` for separating `positive` tokens from the rest (Mann–Whitney U, ties
 * count ½), through the same sparse path as `labelLatents`. NaN when a class is empty.
 */
export function auroc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  if (positive.length !== n) throw new Error(`auroc: ${n} scores but ${positive.length} labels`);
  let nz = 0;
  for (let t = 0; t < n; t++) if (scores[t] !== 0) nz++;
  const rows = new Int32Array(nz);
  const vals = new Float64Array(nz);
  const ptr = new Int32Array(n + 1);
  const list: number[] = [];
  const positives = new Float64Array(1);
  for (let t = 0, e = 0; t < n; t++) {
    const s = scores[t]!;
    if (Number.isNaN(s)) throw new Error(`auroc: score ${t} is NaN`);
    if (s !== 0) {
      rows[e] = t;
      vals[e++] = s;
    }
    if (positive[t]) {
      list.push(0);
      positives[0]! += 1;
    }
    ptr[t + 1] = list.length;
  }
  const out = new Float64Array(1);
  const member = { ptr, list: Int32Array.from(list), positives };
  conceptAurocs(vals.slice().sort(), rows, vals, n, member, new RankScratch(1), out);
  return out[0]!;
}

class RankScratch {
  rankSum: Float64Array;
  seen: Float64Array;
  constructor(c: number) {
    this.rankSum = new Float64Array(c);
    this.seen = new Float64Array(c);
  }
}

/**
 * AUROC of one latent for every concept into `out` (NaN where a class is empty). `sorted` holds
 * the latent's nonzero values ascending; `rows`/`vals` the same entries in token order.
 */
function conceptAurocs(
  sorted: Float32Array | Float64Array,
  rows: Int32Array,
  vals: Float32Array | Float64Array,
  n: number,
  member: Membership,
  scratch: RankScratch,
  out: Float64Array,
): void {
  const nz = sorted.length;
  const z = n - nz;
  const below = lowerBound(sorted, 0); // nonzero values below the zero block
  const zeroMidrank = below + (z + 1) / 2;
  const { rankSum, seen } = scratch;
  rankSum.fill(0);
  seen.fill(0);
  for (let e = 0; e < rows.length; e++) {
    const t = rows[e]!;
    const c0 = member.ptr[t]!;
    const c1 = member.ptr[t + 1]!;
    if (c0 === c1) continue;
    const v = vals[e]!;
    const lo = lowerBound(sorted, v);
    const hi = upperBound(sorted, v);
    const rank = (lo + 1 + hi) / 2 + (v > 0 ? z : 0);
    for (let i = c0; i < c1; i++) {
      const c = member.list[i]!;
      rankSum[c]! += rank;
      seen[c]!++;
    }
  }
  for (let c = 0; c < out.length; c++) {
    const p = member.positives[c]!;
    const q = n - p;
    if (p === 0 || q === 0) {
      out[c] = NaN;
      continue;
    }
    const r = rankSum[c]! + (p - seen[c]!) * zeroMidrank;
    out[c] = (r - (p * (p + 1)) / 2) / (p * q);
  }
}

function lowerBound(a: Float32Array | Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float32Array | Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function toColumns(act: Float32Array | TopKActivations, n: number, s: number): Columns {
  // visit(t, j, v) for every nonzero activation, tokens in increasing order.
  let forEachNonzero: (visit: (t: number, j: number, v: number) => void) => void;
  if (act instanceof Float32Array) {
    if (act.length !== n * s) {
      throw new Error(
        `labelLatents: activations have ${act.length} values, need N·dSae = ${n}·${s}`,
      );
    }
    forEachNonzero = (visit) => {
      for (let t = 0, i = 0; t < n; t++) {
        for (let j = 0; j < s; j++, i++) if (act[i] !== 0) visit(t, j, act[i]!);
      }
    };
  } else {
    const { k, indices, values } = act;
    if (!Number.isInteger(k) || k <= 0) throw new Error(`labelLatents: bad top-k k ${k}`);
    if (indices.length !== n * k || values.length !== n * k) {
      throw new Error(
        `labelLatents: top-k activations need N·k = ${n * k} indices and values, got ${indices.length} and ${values.length}`,
      );
    }
    forEachNonzero = (visit) => {
      for (let t = 0, i = 0; t < n; t++) {
        for (let r = 0; r < k; r++, i++) if (values[i] !== 0) visit(t, indices[i]!, values[i]!);
      }
    };
  }
  const ptr = new Float64Array(s + 1);
  const stamp = new Int32Array(s).fill(-1);
  forEachNonzero((t, j, v) => {
    if (!(j >= 0 && j < s))
      throw new Error(`labelLatents: token ${t}: latent index ${j} not in [0, ${s})`);
    if (Number.isNaN(v)) throw new Error(`labelLatents: latent ${j} at token ${t} is NaN`);
    if (stamp[j] === t) throw new Error(`labelLatents: token ${t}: latent ${j} listed twice`);
    stamp[j] = t;
    ptr[j + 1]! += 1;
  });
  for (let j = 0; j < s; j++) ptr[j + 1]! += ptr[j]!;
  const rows = new Int32Array(ptr[s]!);
  const vals = new Float32Array(ptr[s]!);
  const fill = ptr.slice(0, s);
  forEachNonzero((t, j, v) => {
    const e = fill[j]!;
    fill[j] = e + 1;
    rows[e] = t;
    vals[e] = v;
  });
  return { ptr, rows, vals };
}

function normWord(w: string): string {
  return w.toLowerCase().replaceAll("_", " ");
}

/** Lower-cased word → the concepts (indices) whose train or held-out words contain it. */
function conceptIndex(concepts: LexiconFile["concepts"]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  concepts.forEach((c, i) => {
    for (const w of [...c.train, ...c.heldOut]) {
      const key = normWord(w);
      const list = m.get(key);
      if (!list) m.set(key, [i]);
      else if (!list.includes(i)) list.push(i);
    }
  });
  return m;
}

/** Word occurrences (consecutive tokens of one document with the same word) as units. */
function wordUnits(
  words: (string | null)[],
  docIds?: ArrayLike<number>,
): { unitOf: Int32Array; words: (string | null)[] } {
  const unitOf = new Int32Array(words.length);
  const unitWords: (string | null)[] = [];
  for (let t = 0; t < words.length; t++) {
    const w = words[t] ?? null;
    const joins =
      t > 0 && w !== null && w === words[t - 1] && (!docIds || docIds[t] === docIds[t - 1]);
    if (!joins) unitWords.push(w);
    unitOf[t] = unitWords.length - 1;
  }
  return { unitOf, words: unitWords };
}

/** A latent's nonzero entries (token order) pooled into units by their maximum. */
function poolColumn(
  rows: Int32Array,
  vals: Float32Array,
  unitOf: Int32Array,
): { rows: Int32Array; vals: Float32Array } {
  const outRows = new Int32Array(rows.length);
  const outVals = new Float32Array(rows.length);
  let m = 0;
  for (let e = 0; e < rows.length; e++) {
    const u = unitOf[rows[e]!]!;
    if (m > 0 && outRows[m - 1] === u) outVals[m - 1] = Math.max(outVals[m - 1]!, vals[e]!);
    else {
      outRows[m] = u;
      outVals[m++] = vals[e]!;
    }
  }
  return { rows: outRows.subarray(0, m), vals: outVals.subarray(0, m) };
}

function membership(words: (string | null)[], index: Map<string, number[]>, c: number): Membership {
  const n = words.length;
  const ptr = new Int32Array(n + 1);
  const list: number[] = [];
  const positives = new Float64Array(c);
  for (let t = 0; t < n; t++) {
    const w = words[t];
    const cs = w === null || w === undefined ? undefined : index.get(normWord(w));
    if (cs) {
      for (const ci of cs) {
        list.push(ci);
        positives[ci]!++;
      }
    }
    ptr[t + 1] = list.length;
  }
  return { ptr, list: Int32Array.from(list), positives };
}

function topWordsOf(
  rows: Int32Array,
  vals: Float32Array,
  wordIds: Int32Array,
  names: string[],
  wordTokens: Float64Array,
  sum: Float64Array,
  max: Float32Array,
  topK: number,
): TopWord[] {
  const touched: number[] = [];
  for (let e = 0; e < rows.length; e++) {
    const w = wordIds[rows[e]!]!;
    const v = vals[e]!;
    if (!(max[w]! > -Infinity)) {
      touched.push(w);
      max[w] = v;
    } else if (v > max[w]!) max[w] = v;
    sum[w]! += v;
  }
  // Keep the best topK by (mean, max, word) in a small sorted list: O(touched · topK) worst case,
  // usually O(touched), and no object per touched word.
  const better = (x: number, y: number) => {
    const d = sum[x]! / wordTokens[x]! - sum[y]! / wordTokens[y]!;
    return d !== 0 ? d > 0 : max[x] !== max[y] ? max[x]! > max[y]! : names[x]! < names[y]!;
  };
  const top: number[] = [];
  for (const w of touched) {
    if (top.length === topK && !better(w, top[topK - 1]!)) continue;
    let i = Math.min(top.length, topK - 1);
    top[i] = w;
    while (i > 0 && better(w, top[i - 1]!)) {
      top[i] = top[i - 1]!;
      top[--i] = w;
    }
  }
  const out = top.map((w) => ({
    word: names[w]!,
    activation: sum[w]! / wordTokens[w]!,
    max: max[w]!,
  }));
  for (const w of touched) {
    sum[w] = 0;
    max[w] = -Infinity;
  }
  return out;
}

function topContextsOf(
  sorted: Float32Array,
  rows: Int32Array,
  vals: Float32Array,
  topK: number,
  contextOf: (t: number) => string,
): TopContext[] {
  const threshold = sorted[Math.max(0, sorted.length - topK)]!;
  const picked: { t: number; v: number }[] = [];
  for (let e = 0; e < rows.length; e++)
    if (vals[e]! >= threshold) picked.push({ t: rows[e]!, v: vals[e]! });
  picked.sort((x, y) => y.v - x.v || x.t - y.t);
  return picked
    .slice(0, topK)
    .map(({ t, v }) => ({ text: contextOf(t), tokenIndex: t, activation: v }));
}

/** Tokens around `t` (within its document when `docIds` is given) with token t marked «token». */
export function windowContext(
  tokens: string[],
  t: number,
  window: { before: number; after: number },
  docIds?: ArrayLike<number>,
): string {
  let a = Math.max(0, t - window.before);
  let b = Math.min(tokens.length - 1, t + window.after);
  if (docIds) {
    while (a < t && docIds[a] !== docIds[t]) a++;
    while (b > t && docIds[b] !== docIds[t]) b--;
  }
  return `${tokens.slice(a, t).join("")}«${tokens[t]}»${tokens.slice(t + 1, b + 1).join("")}`;
}
