/**
 * Per-sample seeds and the check that a provider honours them. At temperature > 0 the N samples of
 * one item must differ; a server that defaults to a fixed seed (trigscope's own models do) returns
 * N copies unless each request carries its own seed. The seed is derived from the run seed, the
 * item and the sample index — not the variant — so the control and triggered variants of one item
 * share random numbers sample by sample (paired comparisons). A provider that returns
 * byte-identical samples for every item although their seeds differ is reported, not trusted.
 */
import { sha256 } from "./cache.js";

/** How seeds are derived; recorded in the manifest so a resume cannot mix schemes. */
export const SEED_SCHEME = "sha256(run seed|item id|sample index) mod 2^31";

/** The seed sent with sample `sampleIndex` of `itemId`: an integer in [0, 2^31). */
export function sampleSeed(runSeed: number, itemId: string, sampleIndex: number): number {
  return parseInt(sha256(`${runSeed}|${itemId}|${sampleIndex}`).slice(0, 8), 16) % 2 ** 31;
}

export interface RepeatCheck {
  /** Variants with at least two finished samples. */
  variants: number;
  /** Of those, variants whose samples are all byte-identical (reasoning and content). */
  identical: number;
  /** A warning when every such variant repeated itself at temperature > 0; null otherwise. */
  warning: string | null;
}

interface Sampled {
  variantId: string;
  seed?: number | null;
  completion: { content: string; reasoning: string | null };
}

export function checkRepeats(
  samples: readonly Sampled[],
  opts: { temperature: number | undefined; seedsSent: boolean; provider: string },
): RepeatCheck {
  const byVariant = new Map<string, Sampled[]>();
  for (const s of samples) byVariant.set(s.variantId, [...(byVariant.get(s.variantId) ?? []), s]);
  let variants = 0;
  let identical = 0;
  for (const group of byVariant.values()) {
    if (group.length < 2) continue;
    variants++;
    const text = (s: Sampled) => JSON.stringify([s.completion.reasoning, s.completion.content]);
    if (group.every((s) => text(s) === text(group[0]!))) identical++;
  }
  const temperature = opts.temperature ?? 1;
  let warning: string | null = null;
  if (temperature > 0 && variants > 0 && identical === variants)
    warning = opts.seedsSent
      ? `provider ${opts.provider} ignores seeds: at temperature ${temperature} all ${variants} variants with several samples returned byte-identical samples although every sample was sent its own seed; the samples of an item are copies, not independent draws`
      : `provider ${opts.provider} repeats itself without a seed: at temperature ${temperature} all ${variants} variants with several samples returned byte-identical samples; run without --no-seed so that each sample gets its own seed`;
  return { variants, identical, warning };
}
