/**
 * Merging a bag-of-words latent into a lexicon concept it reads. buildCandidates merges a latent
 * whose top words are a concept's lexicon words or spell its name; a latent whose top words are
 * the concept's words *outside* the lexicon ("latent 751: prepared/butter/sauce" beside foods,
 * whose lexicon lists toast, cheese and soup but not butter) escapes both, is probed as a second
 * candidate, fires on its food words, and the verdict reads "foods OR latent 751". The audit has
 * the model and the SAE, so it asks the latent itself whether it reads the concept. The rule,
 * exactly:
 *
 * - for each bag candidate (no lexicon concept, no explanation, not from the behaviour screen)
 *   and each lexicon-concept candidate C, count the words on which any of the bag's latents is
 *   active (wordActivations: one composed prompt per word, the largest activation over the
 *   word's own tokens above 0), over up to `sample` (default 32) of C's words and over a
 *   reference of up to 2 × `sample` words of lexicon concepts that are not candidates;
 * - the bag reads C when it is active on at least `minShare` (default 0.5) of C's words and that
 *   share is at least `minRatio` (default 3) times its share on the reference words; it merges
 *   into the C it reads on the largest share (ties: the earlier candidate), its sources joining
 *   C's (C's bestRank the smaller of the two). A bag that reads no candidate stays.
 *
 * Word samples are drawn by `seed` (a seeded shuffle of each concept's train and held-out words);
 * every sampled word is run once, in one pass, for all bags' latents. The thresholds were set
 * before this rule was run on any organism; the development cases were game seed 3's g3-06
 * (latent 751 beside foods) and seeds 1–2's g2-06 (latent 1699: foods/prepared/rich).
 */
import type { LexiconFile } from "../lexicon/lexicon-file.js";
import type { ChatModel } from "../model/text-generation.js";
import { mulberry32, type Rng } from "../random/seeded.js";
import type { Sae } from "../sae/types.js";
import type { Candidate } from "./candidates.js";
import { inRange, positiveInt, rejectUnknownKeys } from "./errors.js";
import { wordActivations } from "./focus-words.js";

export interface ReadsOptions {
  seed?: number;
  /** Words sampled per concept (default 32); the reference takes twice as many. */
  sample?: number;
  /** Least share of a concept's words a bag must be active on (default 0.5). */
  minShare?: number;
  /** Least ratio of that share to the reference share (default 3). */
  minRatio?: number;
}

const KEYS = ["seed", "sample", "minShare", "minRatio"];

export interface ReadsResult {
  candidates: Candidate[];
  /** One line per merged bag, in words (the shares it was merged on). */
  merged: string[];
}

/** A bag of top words: a candidate that is neither a concept, an explanation, nor screened. */
const isBag = (c: Candidate) =>
  c.concept === undefined && c.synsets === undefined && c.screened === undefined;

function shuffled<T>(xs: readonly T[], rng: Rng): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const wordsOfConcept = (c: LexiconFile["concepts"][number]) => [
  ...new Set([...c.train, ...c.heldOut]),
];

/** The sampled words of each candidate concept, and the reference words. */
function samples(lexicon: LexiconFile, concepts: readonly string[], n: number, seed: number) {
  const rng = mulberry32(seed);
  const byName = new Map(lexicon.concepts.map((c) => [c.name, c]));
  const perConcept = new Map(
    concepts.map((name) => [name, shuffled(wordsOfConcept(byName.get(name)!), rng).slice(0, n)]),
  );
  const others = lexicon.concepts.filter((c) => !concepts.includes(c.name));
  const taken = new Set([...perConcept.values()].flat());
  const pool = [...new Set(others.flatMap(wordsOfConcept))].filter((w) => !taken.has(w));
  return { perConcept, reference: shuffled(pool, rng).slice(0, 2 * n) };
}

/** The candidates with every bag that reads a lexicon-concept candidate merged into it. */
export async function mergeReaders(
  cm: ChatModel,
  sae: Sae,
  candidates: readonly Candidate[],
  lexicon: LexiconFile,
  o: ReadsOptions = {},
): Promise<ReadsResult> {
  rejectUnknownKeys("mergeReaders", o, KEYS);
  const n = positiveInt("sample", o.sample, 32);
  const minShare = inRange("minShare", o.minShare, 0, 1, 0.5);
  const minRatio = inRange("minRatio", o.minRatio, 0, Infinity, 3);
  const known = new Set(lexicon.concepts.map((c) => c.name));
  const concepts = candidates.flatMap((c) =>
    c.concept !== undefined && known.has(c.concept) ? [c.concept] : [],
  );
  const bags = candidates.filter((c) => isBag(c) && c.sources.length > 0);
  if (concepts.length === 0 || bags.length === 0)
    return { candidates: [...candidates], merged: [] };
  const { perConcept, reference } = samples(lexicon, concepts, n, o.seed ?? 0);
  const words = [...[...perConcept.values()].flat(), ...reference];
  const latents = [...new Set(bags.flatMap((b) => b.sources.map((s) => s.latent)))];
  const acts = await wordActivations(cm, sae, words, latents, { seed: o.seed ?? 0 });
  const row = new Map(words.map((w, i) => [w, acts[i]!]));
  const share = (ws: readonly string[], ls: ReadonlySet<number>) =>
    ws.filter((w) => latents.some((l, k) => ls.has(l) && row.get(w)![k]! > 0)).length /
    Math.max(1, ws.length);
  const into = new Map<string, Candidate[]>();
  const merged: string[] = [];
  for (const b of bags) {
    const ls = new Set(b.sources.map((s) => s.latent));
    const ref = share(reference, ls);
    let best: { concept: string; share: number } | null = null;
    for (const c of concepts) {
      const s = share(perConcept.get(c)!, ls);
      if (s >= minShare && s >= minRatio * ref && (!best || s > best.share))
        best = { concept: c, share: s };
    }
    if (!best) continue;
    into.set(best.concept, [...(into.get(best.concept) ?? []), b]);
    const pct = (x: number) => `${Math.round(100 * x)}%`;
    merged.push(
      `${b.name} merged into ${best.concept}: its latents are active on ${pct(best.share)} of ` +
        `${perConcept.get(best.concept)!.length} ${best.concept} words, ${pct(ref)} of ` +
        `${reference.length} other words`,
    );
  }
  const gone = new Set([...into.values()].flat());
  const out = candidates
    .filter((c) => !gone.has(c))
    .map((c) => {
      const joining = c.concept !== undefined ? into.get(c.concept) : undefined;
      if (!joining) return c;
      const sources = [...c.sources, ...joining.flatMap((b) => b.sources)];
      return { ...c, sources, bestRank: Math.min(c.bestRank, ...joining.map((b) => b.bestRank)) };
    });
  return { candidates: out, merged };
}
