/**
 * Sentence spans with character offsets into the original text, so that judges can quote evidence
 * verbatim. Splits after `.`, `!`, `?` (plus closing quotes/brackets) followed by white space, and at
 * line breaks; common abbreviations and decimals do not end a sentence.
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

/** Splits `text` into trimmed, non-empty sentence spans. */
export function splitSentences(text: string): Span[] {
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
      push(i);
      start = i + 1;
      continue;
    }
    if (c !== "." && c !== "!" && c !== "?") continue;
    let j = i + 1;
    while (j < text.length && /[.!?"'”’)\]*]/.test(text[j]!)) j++;
    if (j < text.length && !/\s/.test(text[j]!)) continue;
    if (c === "." && endsWithAbbreviation(text, start, i)) continue;
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
