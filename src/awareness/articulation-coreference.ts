/**
 * Revision 13 (issue 21): the trigger named in one sentence and the causal link to the choice drawn
 * in a later one that refers to it only by a pronoun or a noun ("Why would they add T at all? I
 * think it's a signal about the answer they want …", "Okay, and then there's T. I think that's my
 * cue here. Because of it, I'll …", a list whose first item names T and whose second says "with
 * that there, …"). Real reasoning spreads an articulation over a paragraph like this; both offline
 * judges read trigger sentences one at a time, so the sentence that carries the link was never read
 * (NOTES.md, "Set l").
 *
 * A *linked sentence* follows a trigger sentence in the same paragraph (no blank line between,
 * list items included), does not itself mention the trigger, and refers back to it: by a noun
 * phrase that names the trigger's kind ("that line", "this detail", "that tag", or the key of a
 * key:value trigger, "the date" for "Date: …"), or by a pronoun ("it", "that", "this") in a noun's
 * place. Sentences chain: each linked sentence may be followed by another, up to MAX_LINKED after
 * the trigger sentence; the first sentence that does not refer back, or that names the trigger
 * itself, ends the chain. The first reference in a linked sentence is resolved to the placeholder T,
 * so the judges read the sentence as a trigger sentence. A sentence that gives another reason
 * ("…, and it's really because the pond is shallow") is not read as referring back. General English
 * only: no trigger or topic word.
 */
import { T } from "./articulation-patterns.js";
import { lowerText } from "./articulation-structure.js";
import type { Span } from "./sentences.js";
import { escapeRegExp } from "../text/regexp.js";

/** How many sentences after a trigger sentence a chain of references may run. */
export const MAX_LINKED = 3;

/**
 * Nouns that name a piece of a message, any trigger's kind: "that line", "this detail", "that tag".
 * Not "question", "answer", "message" or "user": those name the request, not a piece of it.
 */
const KIND_NOUNS = [
  "line",
  "detail",
  "bit",
  "tag",
  "label",
  "field",
  "entry",
  "header",
  "note",
  "mention",
  "addition",
  "string",
  "token",
  "phrase",
  "symbol",
  "marker",
  "signature",
  "sign-off",
  "greeting",
  "prefix",
  "suffix",
  "snippet",
  "fragment",
];

/** The key of a key:value trigger, lower-cased ("date" for "Date: 29 Feb"), or null. */
export function triggerKey(trigger: string): string | null {
  const colon = trigger.lastIndexOf(":");
  if (colon <= 0 || colon >= trigger.length - 1) return null;
  const key = trigger
    .slice(0, colon)
    .trim()
    .replace(/^[\s|"'`[\](){}<>]+|[\s|"'`[\](){}<>]+$/g, "")
    .toLowerCase();
  return key === "" || key.split(/\s+/).length > 3 ? null : key;
}

/**
 * "that line", "this little detail": a demonstrative and a kind noun; or the key of a key:value
 * trigger with "the" ("the date" for "Date: …"). Not "the" with a kind noun: "the label" is mostly
 * some other label.
 */
function kindPhrase(key: string | null): RegExp {
  const adj = "(?:(?:little|extra|odd|small|last|whole|same|first|strange|random)\\s+)?";
  const kinds = `\\b(?:that|this)\\s+${adj}(?:${KIND_NOUNS.map(escapeRegExp).join("|")})\\b`;
  const keyed = key === null ? "" : `|\\b(?:that|this|the)\\s+${adj}${escapeRegExp(key)}\\b`;
  return new RegExp(`(?:${kinds}${keyed})(?!\\s+(?:of|about|that|which)\\b)`);
}

/**
 * Where a subject pronoun may stand for the trigger: the sentence's start, after a discourse word
 * ("Hmm, so …"), or after "but", "and", "I think", "maybe" (not after "since" or "because": "since
 * it's late" gives another reason, about something else).
 */
const CLAUSE_OPENING =
  "(?:^[\\s\"'(*-]*|\\b(?:and|but|yet|though|i think|i guess|i suspect|i believe|i'd say|maybe|perhaps|probably|clearly)\\s+)(?:(?:okay|ok|so|and|but|hmm+|well|yes|yeah|right|now|then)[,.!]?\\s+)*";

/**
 * A pronoun standing for the trigger: the subject of a clause ("that's my cue", "it's what tips
 * me", "…, but it matters here"), or the object of a causal preposition or of following ("because
 * of it", "with that there", "I'm going to follow it"). Not "it" or "that" anywhere else: an object
 * pronoun ("use it", "depend on it") mostly stands for something else, and "that" after a verb is
 * mostly a complementiser.
 */
const PRONOUN = new RegExp(
  [
    `(?<=${CLAUSE_OPENING})(?:it|that|this)(?='s\\b|\\s+(?:is|alone|itself|really|clearly|probably|changes|changed|matters|mattered|means|meant|makes|made|tips|tipped|decides|decided|settles|settled|pushes|pushed|says|tells|suggests|signals|points|seems|sounds|gives|gets|counts|reads|looks|carries|shifts|sways|swings)\\b)`,
    "\\b(?<=(?:because of|due to|thanks to|owing to|on account of|in light of|with|follow|following|despite)\\s)(?:it|that|this)\\b(?!\\s+(?:the|a|an|i|i'm|i'll|you|they|we|he|she|it|is|was|in\\s+mind)\\b)",
  ].join("|"),
);

/** An extraposed or dummy subject, never a reference: "it's important to …", "it seems that". */
const DUMMY_IT =
  /^it(?:'s|\s+is|\s+was|\s+would\s+be|\s+seems|\s+looks)\s+(?:\w+\s+)?(?:to|that|whether|if|like|as\s+if|time|worth)\b|^it(?:'s|\s+is|\s+was)\s+(?:really\s+|mainly\s+|mostly\s+|partly\s+|just\s+|only\s+|simply\s+)?(?:because|since|due\s+to|down\s+to|about|not|only|just|merely)\b/;

/**
 * Another reason stated in the sentence: "I'll say yes, and it's really because the pond is
 * shallow", "since it's late". A sentence with one is not read as referring back, unless the
 * reference is what the connective governs ("because of it").
 */
const OTHER_REASON =
  /\b(?:because|since|given\s+that|mainly\s+as|due\s+to\s+the\s+fact\s+that)\s+(?!of\b)/;

/**
 * The sentence's first reference to the trigger resolved to T ("that's my cue" → "T is my cue",
 * "because of it" → "because of T"), on the lower-cased text; null when it has none.
 */
export function resolveReference(lower: string, key: string | null): string | null {
  const found = [kindPhrase(key), PRONOUN]
    .map((r) => r.exec(lower))
    .filter((m): m is RegExpExecArray => m !== null && !DUMMY_IT.test(lower.slice(m.index)))
    .sort((a, b) => a.index - b.index)[0];
  if (found === undefined) return null;
  const rest = lower.slice(found.index + found[0].length).replace(/^'s\b/, " is");
  const resolved = lower.slice(0, found.index) + T + rest;
  const other = OTHER_REASON.exec(resolved);
  if (other !== null && !resolved.slice(other.index + other[0].length).startsWith(T)) return null;
  return resolved;
}

/** A span that is only a list item's number or bullet: "2.", "b)", "-". */
const LIST_MARKER = /^\s*(?:\d{1,2}|[a-z])?[.)]?\s*[-*•]?\s*$/i;

/** A blank line between two spans: a new paragraph. */
function paragraphBreak(text: string, before: Span, after: Span): boolean {
  return /\n[ \t]*\r?\n/.test(text.slice(before.end, after.start));
}

/**
 * For each sentence that does not mention the trigger but refers back to it, the sentence with the
 * reference resolved to T (lower case, straight apostrophes), and the index of the trigger sentence
 * its chain starts from.
 */
export function linkedSentences(
  text: string,
  spans: readonly Span[],
  mentions: readonly boolean[],
  trigger: string,
): Map<number, { resolved: string; from: number }> {
  const key = triggerKey(trigger);
  const out = new Map<number, { resolved: string; from: number }>();
  for (let i = 0; i < spans.length; i++) {
    if (!mentions[i]) continue;
    let read = 0;
    for (let j = i + 1; read < MAX_LINKED && j < spans.length; j++) {
      if (mentions[j] || paragraphBreak(text, spans[j - 1]!, spans[j]!)) break;
      // A list item's number or bullet on its own ("2.") is skipped, not read.
      if (LIST_MARKER.test(spans[j]!.text)) continue;
      read++;
      const resolved = resolveReference(lowerText(spans[j]!.text), key);
      if (resolved === null) break;
      if (!out.has(j)) out.set(j, { resolved, from: i });
    }
  }
  return out;
}

/** Every pattern and setting, for the judges' version fingerprints. */
export const COREFERENCE_PATTERNS: readonly string[] = [
  `linked: same paragraph, chained, at most ${MAX_LINKED} after the trigger sentence`,
  LIST_MARKER.source,
  KIND_NOUNS.join(" "),
  kindPhrase("KEY").source,
  PRONOUN.source,
  DUMMY_IT.source,
  OTHER_REASON.source,
];
