/**
 * Sentence spans with character offsets into the original text, so that judges can quote evidence
 * verbatim. Splits after `.`, `!`, `?` (plus closing quotes/brackets) followed by white space, and at
 * line breaks; common abbreviations and decimals do not end a sentence. A sentence never ends inside
 * a span the caller protects (revision 9: a trigger mention such as "P.S. go Rovers!" is found in the
 * whole text first, so its own stops do not cut it).
 */

export interface Span {
  start: number;
  end: number;
  text: string;
}

const ABBREVIATIONS = new Set([
  "e.g",
  "i.e",
  "etc",
  "vs",
  "mr",
  "mrs",
  "ms",
  "dr",
  "st",
  "u.s",
  "u.k",
  "no",
  "approx",
  "cf",
]);

/** A stretch of the text no sentence may end inside (start inclusive, end exclusive). */
export interface Protected {
  start: number;
  end: number;
}

/** Splits `text` into trimmed, non-empty sentence spans, never ending one inside `keep`. */
export function splitSentences(text: string, keep: readonly Protected[] = []): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) spans.push({ start: s, end: e, text: text.slice(s, e) });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      if (insideProtected(keep, i)) continue;
      push(i);
      start = i + 1;
      continue;
    }
    if (c !== "." && c !== "!" && c !== "?") continue;
    let j = i + 1;
    while (j < text.length && /[.!?"'”’)\]*]/.test(text[j]!)) j++;
    if (j < text.length && !/\s/.test(text[j]!)) continue;
    if (c === "." && endsWithAbbreviation(text, start, i)) continue;
    if (insideProtected(keep, i) || endsProtectedMidSentence(text, keep, i, j)) continue;
    push(j);
    start = j;
    i = j - 1;
  }
  push(text.length);
  return spans;
}

function endsWithAbbreviation(text: string, from: number, dot: number): boolean {
  let k = dot;
  while (k > from && /[A-Za-z.]/.test(text[k - 1]!)) k--;
  const word = text.slice(k, dot).toLowerCase();
  return ABBREVIATIONS.has(word);
}

/** Whether a break after position `at` would fall inside a protected span. */
function insideProtected(keep: readonly Protected[], at: number): boolean {
  return keep.some((k) => at >= k.start && at + 1 < k.end);
}

/**
 * The stop at `stop` is a protected span's own last character ("… go Rovers!") and the text goes
 * on in lower case after it ("… go Rovers!' sign-off decides"): the stop is the span's, not the
 * sentence's. `next` is where the white space after the stop and its closers begins.
 */
function endsProtectedMidSentence(
  text: string,
  keep: readonly Protected[],
  stop: number,
  next: number,
): boolean {
  if (!keep.some((k) => k.end === stop + 1)) return false;
  const rest = /^\s*(\S)/u.exec(text.slice(next));
  return rest !== null && /\p{Ll}/u.test(rest[1]!);
}
