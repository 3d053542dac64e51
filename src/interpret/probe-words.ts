/**
 * Which of a latent's top words can stand in a probe prompt: lowercase letter words (hyphen,
 * apostrophe or space inside), long enough, each once. Its own file because both candidates.ts and
 * sentence-concepts.ts filter words this way, and candidates.ts takes sentence-concepts' types.
 */

const WORD = /^[a-z]+(?:['\- ][a-z]+)*$/;

/** The usable probe words among a latent's top words. */
export function probeWords(words: readonly string[], minLength = 3): string[] {
  const out: string[] = [];
  for (const w of words) {
    const x = w.trim().replace(/\s+/g, " ").toLowerCase();
    if (!WORD.test(x) || x.replace(/['\- ]/g, "").length < minLength || out.includes(x)) continue;
    out.push(x);
  }
  return out;
}
