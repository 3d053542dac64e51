/**
 * Focusing an explanation's words on what its latent detects. An explanation mapped to WordNet
 * (sentence-concepts.ts) names a class; its closure holds far more than the latent responds to
 * ("snow sports" → every sport). The audit has the model and the SAE, so it can ask the latent
 * itself: each word is put in a prompt of the probe composer's kind (composePrompt, one word, no
 * distractor), run to the SAE's hook, encoded, and scored by its largest activation, over the
 * word's own tokens, for each latent the concept came from. The rule, exactly:
 *
 * - a word is kept when, for some latent, its score is above 0 (the latent is active on it: a
 *   TopK latent among the k largest of its token, a JumpReLU one above its threshold) and at least
 *   `fraction` (default 0.5) of that latent's best score over the words (each latent against its
 *   own best: latents differ in scale). Being active alone is not enough: a broad class holds
 *   many words a latent fires on weakly. On the zoo SAE's land-vehicles latent 1812 ("mentions of
 *   land vehicles" → WordNet vehicle, 758 words; a non-trigger concept), the kept words that belong
 *   to another lexicon concept (ships, aircraft) were 11 of 152 at > 0, 7 of 126 at 0.25 and 1 of
 *   63 at 0.5. The snow-sports latent was looked at too, and the per-latent bar and the `minKept`
 *   fallback below were added after a snow-fruit audit with sentence labels failed (its three
 *   snow-sports latents merged, and one latent's best word set the bar for all): results on
 *   fruit-refusal and snow-fruit are upper bounds;
 * - when fewer than `minKept` (default 3) words are kept, the `minKept` words with the best
 *   relative scores (score / that latent's best) are kept, among those some latent is active on;
 *   when the latents are active on fewer than `minKept` words in all, the words are left as they
 *   were and a warning says so (the explanation does not describe what the latents fire on);
 * - kept words keep their order (most common first).
 *
 * One prompt per word, seeded by `seed`; texts are BOS + prompt, batched 32 at a time and padded
 * to one length so every batch runs one compiled program.
 */
import { leftPad } from "../model/inputs.js";
import { runWithCache } from "../model/run.js";
import type { ChatModel } from "../model/text-generation.js";
import { composePrompt } from "./compose-prompt.js";
import { mulberry32 } from "../random/seeded.js";
import { encodeHost, saeToDevice } from "../sae/encode.js";
import type { Sae } from "../sae/types.js";
import type { Candidate } from "./candidates.js";
import { InterpretInputError, inRange, positiveInt, rejectUnknownKeys } from "./errors.js";

export interface WordActivationOptions {
  seed?: number;
  /** Prompts per forward pass (default 32). */
  batchSize?: number;
}

const BATCH_KEYS = ["seed", "batchSize"];
/** Prompt length every batch is padded to (composed one-word prompts are ~10–40 tokens). */
const SEQ_LEN = 64;

/** Characters [start, end) of `word` in `text` (case-insensitive, whole words), or null. */
function spanOf(text: string, word: string): [number, number] | null {
  const lower = text.toLowerCase();
  let at = lower.indexOf(word);
  while (at >= 0) {
    const before = at === 0 ? " " : lower[at - 1]!;
    const after = lower[at + word.length] ?? " ";
    if (!/[a-z]/.test(before) && !/[a-z]/.test(after)) return [at, at + word.length];
    at = lower.indexOf(word, at + 1);
  }
  return null;
}

/**
 * For each word, the largest activation of each of `latents` over the word's tokens in one
 * composed prompt: result[w][l]. A word whose tokens cannot be found scores 0.
 */
export async function wordActivations(
  cm: ChatModel,
  sae: Sae,
  words: readonly string[],
  latents: readonly number[],
  o: WordActivationOptions = {},
): Promise<number[][]> {
  rejectUnknownKeys("wordActivations", o, BATCH_KEYS);
  const batchSize = positiveInt("batchSize", o.batchSize, 32);
  const dSae = sae.config.dSae;
  latents.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0 || l >= dSae) {
      throw new InterpretInputError(`latents[${i}]`, `must be an integer in [0, ${dSae})`);
    }
  });
  const rng = mulberry32(o.seed ?? 0);
  const texts = words.map((w) => composePrompt(rng, [w], { phrasing: "all" }).text);
  const out: number[][] = words.map(() => latents.map(() => 0));
  const hook = sae.config.hookName;
  const d = sae.config.dIn;
  const dsae = saeToDevice(sae);
  try {
    for (let start = 0; start < texts.length; start += batchSize) {
      const chunk = texts.slice(start, start + batchSize);
      const enc = chunk.map((t) => cm.tokenizer.encodeWithOffsets(t, { addSpecialTokens: true }));
      const seqs = enc.map((e) => e.ids.slice(0, SEQ_LEN));
      const rows = chunk.map(() => [] as number[]);
      seqs.forEach((s, b) => {
        const span = spanOf(chunk[b]!, words[start + b]!);
        if (!span) return;
        for (let j = 0; j < s.length; j++) {
          const [cs, ce] = enc[b]!.offsets[j]!;
          if (ce > cs && cs < span[1] && ce > span[0]) rows[b]!.push(j);
        }
      });
      const batch = leftPad(
        Array.from({ length: batchSize }, (_, b) => seqs[b] ?? seqs[0]!),
        cm.padTokenId,
        SEQ_LEN,
      );
      const r = await runWithCache(cm.model, batch, { capture: [hook], logits: false });
      const h = r.cache[hook]!.data;
      const picked = rows.flatMap((js, b) => js.map((j) => ({ b, j })));
      if (picked.length === 0) continue;
      const x = new Float32Array(picked.length * d);
      picked.forEach(({ b, j }, i) => {
        const src = (b * batch.seqLen + batch.pads[b]! + j) * d;
        x.set(h.subarray(src, src + d), i * d);
      });
      const { features } = await encodeHost(dsae, { shape: [picked.length, d], data: x });
      picked.forEach(({ b }, i) => {
        const row = out[start + b]!;
        latents.forEach((l, k) => {
          row[k] = Math.max(row[k]!, features.data[i * dSae + l]!);
        });
      });
    }
  } finally {
    dsae.dispose();
  }
  return out;
}

export interface FocusOptions extends WordActivationOptions {
  /** Fewest kept words for the focus to apply (default 3). */
  minKept?: number;
  /** Kept words score at least this fraction of the best word's score (default 0.5). */
  fraction?: number;
}

export interface Focused {
  words: string[];
  /** Whether the latent's activations chose the words (false: left as they were). */
  focused: boolean;
  /** How many of the words the latents were active on. */
  active: number;
  warning?: string;
}

/** The words any of `latents` is active on (see the header for the rule). */
export async function focusWords(
  cm: ChatModel,
  sae: Sae,
  words: readonly string[],
  latents: readonly number[],
  o: FocusOptions = {},
): Promise<Focused> {
  rejectUnknownKeys("focusWords", o, [...BATCH_KEYS, "minKept", "fraction"]);
  const minKept = positiveInt("minKept", o.minKept, 3);
  const fraction = inRange("fraction", o.fraction, 0, 1, 0.5);
  if (words.length === 0) throw new InterpretInputError("words", "must be a non-empty list");
  const batchOptions = {
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
  };
  const acts = await wordActivations(cm, sae, words, latents, batchOptions);
  const best = latents.map((_l, k) => Math.max(...acts.map((a) => a[k]!)));
  // A word's score relative to each latent's own best; 0 where the latent is never active.
  const relative = acts.map((a) =>
    Math.max(...a.map((x, k) => (x > 0 && best[k]! > 0 ? x / best[k]! : 0))),
  );
  const active = relative.filter((r) => r > 0).length;
  if (active < minKept) {
    return {
      words: [...words],
      focused: false,
      active,
      warning:
        `latent ${latents.join(", ")} is active on ${active} of ${words.length} words ` +
        `(fewer than ${minKept}); all are kept`,
    };
  }
  let cut = fraction;
  if (relative.filter((r) => r >= fraction).length < minKept) {
    cut = [...relative].sort((a, b) => b - a)[minKept - 1]!;
  }
  const kept = words.filter((_w, i) => relative[i]! > 0 && relative[i]! >= cut);
  return { words: kept, focused: true, active };
}

/**
 * Candidates with their explanation words focused on their own latents (the others unchanged), and
 * a warning for each candidate left unfocused.
 */
export async function focusCandidates(
  cm: ChatModel,
  sae: Sae,
  candidates: readonly Candidate[],
  o: FocusOptions = {},
): Promise<{ candidates: Candidate[]; warnings: string[] }> {
  const warnings: string[] = [];
  const out: Candidate[] = [];
  for (const c of candidates) {
    if (c.synsets === undefined) {
      out.push(c);
      continue;
    }
    const latents = [...new Set(c.sources.map((s) => s.latent))];
    const f = await focusWords(cm, sae, c.words, latents, o);
    if (f.warning) warnings.push(`${c.name}: ${f.warning}`);
    out.push({ ...c, words: f.words });
  }
  return { candidates: out, warnings };
}
