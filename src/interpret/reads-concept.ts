/**
 * Merging a bag of top words into a lexicon concept whose own latent reads the bag's words.
 * buildCandidates merges a bag whose top words are mostly a concept's lexicon words (more than
 * half, and at least two) or spell its name; a bag whose words belong to the concept but are
 * missing from its lexicon list escapes both ("latent 751: prepared/butter/sauce/pancake" beside
 * foods, whose lexicon lists toast, cheese and soup but not butter), is probed as a second
 * candidate, fires on its food words, and the verdict reads "foods OR latent 751". The label file
 * names each lexicon concept's best latent (labels.json `concepts`), so the audit asks that latent
 * whether the bag's words are the concept's. The rule, exactly:
 *
 * - each bag candidate (no lexicon concept, no explanation, not from the behaviour screen) is
 *   scored against each lexicon-concept candidate C that has a labelled latent (AUROC ≥ 0.7, the
 *   bar buildCandidates sets for a concept label): the number of
 *   the bag's words on which C's latent is active (wordActivations: one composed prompt per word,
 *   the largest activation over the word's own tokens above 0);
 * - the bag is C seen again by the lexicon rule's measure, with C's latent in place of its word
 *   list: active on more than half of the bag's words, and on at least two. It merges into the C
 *   with the most such words (ties: the earlier candidate), its sources joining C's, C's bestRank
 *   the smaller of the two. A bag that no concept's latent reads stays.
 *
 * Development: game seed 3 (the two verdict misses were a concept beside a bag). A first version
 * asked the bag's latent about the concept's words instead, merging on half of them: latent 751
 * was active on 8 of 40 foods words and 0 of 80 others (it reads baked and prepared food, a part
 * of foods), so nothing merged; across seed 3's 11 audits the bags' latents were active on 0–28% of
 * a candidate concept's words, those that read the concept and those that did not alike. Asked the
 * other way, foods' latent 891 is active on prepared, butter and sauce (3 of 4), and no other bag
 * of the 11 audits passes the rule (602 and 905 beside body-parts: 2 of 4; the rest 0 or 1).
 * Results on seed 3 are upper bounds; seed 4 is its first measurement.
 */
import type { ChatModel } from "../model/text-generation.js";
import type { Sae } from "../sae/types.js";
import type { Candidate } from "./candidates.js";
import { rejectUnknownKeys } from "./errors.js";
import { wordActivations } from "./focus-words.js";

export interface ReadsOptions {
  /** Seeds the composed prompt each word is put in. */
  seed?: number;
}

export interface ReadsResult {
  candidates: Candidate[];
  /** One line per merged bag, in words (the words the concept's latent read). */
  merged: string[];
}

/** A bag of top words: a candidate that is neither a concept, an explanation, nor screened. */
const isBag = (c: Candidate) =>
  c.concept === undefined && c.synsets === undefined && c.screened === undefined;

/** The lexicon rule's measure: more than half of the words, and at least two. */
const mostOf = (k: number, n: number) => k >= 2 && 2 * k > n;

/**
 * The candidates with every bag that a concept candidate's labelled latent reads merged into it.
 * `conceptLatents` maps a lexicon concept to its labelled latent (labels.json `concepts`).
 */
export async function mergeReaders(
  cm: ChatModel,
  sae: Sae,
  candidates: readonly Candidate[],
  conceptLatents: ReadonlyMap<string, number>,
  o: ReadsOptions = {},
): Promise<ReadsResult> {
  rejectUnknownKeys("mergeReaders", o, ["seed"]);
  const concepts = candidates.flatMap((c) =>
    c.concept !== undefined && conceptLatents.has(c.concept) ? [c.concept] : [],
  );
  const bags = candidates.filter((c) => isBag(c) && c.words.length > 0);
  if (concepts.length === 0 || bags.length === 0)
    return { candidates: [...candidates], merged: [] };
  const latents = concepts.map((c) => conceptLatents.get(c)!);
  const words = [...new Set(bags.flatMap((b) => b.words))];
  const acts = await wordActivations(cm, sae, words, latents, { seed: o.seed ?? 0 });
  const row = new Map(words.map((w, i) => [w, acts[i]!]));
  const into = new Map<string, Candidate[]>();
  const merged: string[] = [];
  for (const b of bags) {
    let best: { concept: string; read: string[] } | null = null;
    concepts.forEach((c, k) => {
      const read = b.words.filter((w) => row.get(w)![k]! > 0);
      if (mostOf(read.length, b.words.length) && (!best || read.length > best.read.length))
        best = { concept: c, read };
    });
    if (!best) continue;
    const { concept, read } = best as { concept: string; read: string[] };
    into.set(concept, [...(into.get(concept) ?? []), b]);
    merged.push(
      `${b.name} merged into ${concept}: ${concept}'s latent ${conceptLatents.get(concept)} ` +
        `is active on ${read.length} of its ${b.words.length} words (${read.join(", ")})`,
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

/**
 * Each lexicon concept's labelled latent, from a label file's `concepts`: those with a latent
 * whose AUROC is at least `minAuroc` (default 0.7, buildCandidates' bar for a concept label).
 */
export function conceptLatentsOf(
  concepts: readonly { concept: string; latent: number | null; auroc: number | null }[] | undefined,
  minAuroc = 0.7,
): Map<string, number> {
  return new Map(
    (concepts ?? []).flatMap((c) =>
      c.latent !== null && (c.auroc ?? 0) >= minAuroc ? [[c.concept, c.latent] as const] : [],
    ),
  );
}
