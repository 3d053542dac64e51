/**
 * Where each message's content lies in a rendered chat template, as a character span.
 *
 * Searching the rendered text for the content is fragile: the content "assistant" would be found in
 * Qwen2's default system block, "user" in a role header. So we render twice: once with the real
 * contents and once with each content replaced by a unique sentinel. The sentinel rendering gives
 * the template text around every content; walking the real rendering, each template piece must
 * match exactly and each content must follow it — verbatim, or trimmed (Llama 3's `| trim`).
 * When the template's output depends on the content (Qwen3 splits content at </think>), the pieces
 * differ and we fall back to a forward search: each content, verbatim or trimmed, searched from the
 * end of the previous one. A content whose sentinel does not appear is reported as not rendered.
 */

/** A character span [start, end) in UTF-16 code units. */
export interface CharSpan {
  start: number;
  end: number;
}

export interface LocatedContents {
  text: string;
  /** Per content, its span in `text`, or null when the template did not render it. */
  spans: (CharSpan | null)[];
  /** "structural" when the sentinel rendering matched; "search" when we fell back. */
  method: "structural" | "search";
}

/** Private-use code points: no tokenizer normalizer or template filter touches them. */
const sentinel = (k: number): string => `\uE000${k}\uE001`;

/** Where `content` (or its trimmed form) starts at exactly `pos`, if it does. */
function contentAt(text: string, pos: number, content: string): CharSpan | null {
  if (text.startsWith(content, pos)) return { start: pos, end: pos + content.length };
  const trimmed = content.trim();
  if (trimmed !== content && text.startsWith(trimmed, pos)) {
    return { start: pos, end: pos + trimmed.length };
  }
  return null;
}

function structuralSpans(
  text: string,
  sentinelText: string,
  contents: readonly string[],
): (CharSpan | null)[] | null {
  const found: { k: number; at: number }[] = [];
  for (let k = 0; k < contents.length; k++) {
    const at = sentinelText.indexOf(sentinel(k));
    if (at < 0) continue;
    if (sentinelText.indexOf(sentinel(k), at + 1) >= 0) return null; // rendered twice
    found.push({ k, at });
  }
  if (found.some((f, i) => i > 0 && f.at < found[i - 1]!.at)) return null; // out of order
  const spans: (CharSpan | null)[] = contents.map(() => null);
  let pos = 0;
  let pieceStart = 0;
  for (const { k, at } of found) {
    const piece = sentinelText.slice(pieceStart, at);
    if (!text.startsWith(piece, pos)) return null;
    pos += piece.length;
    const span = contentAt(text, pos, contents[k]!);
    if (span === null) return null;
    spans[k] = span;
    pos = span.end;
    pieceStart = at + sentinel(k).length;
  }
  const tail = sentinelText.slice(pieceStart);
  return text.startsWith(tail, pos) && pos + tail.length === text.length ? spans : null;
}

function searchedSpans(
  text: string,
  rendered: readonly boolean[],
  contents: readonly string[],
  notFound: (k: number) => never,
): (CharSpan | null)[] {
  let cursor = 0;
  return contents.map((content, k) => {
    if (!rendered[k]) return null;
    let at = text.indexOf(content, cursor);
    let length = content.length;
    if (at < 0) {
      const trimmed = content.trim();
      at = text.indexOf(trimmed, cursor);
      length = trimmed.length;
    }
    if (at < 0) return notFound(k);
    cursor = at + length;
    return { start: at, end: at + length };
  });
}

/**
 * Renders with `render(contents)` and locates each content. `notFound(k)` must throw; it is called
 * when content k's sentinel was rendered but the real content cannot be found (the template
 * transforms it beyond trimming).
 */
export function locateContents(
  render: (contents: readonly string[]) => string,
  contents: readonly string[],
  notFound: (k: number) => never,
): LocatedContents {
  const text = render(contents);
  const sentinelText = render(contents.map((_, k) => sentinel(k)));
  const structural = structuralSpans(text, sentinelText, contents);
  if (structural !== null) return { text, spans: structural, method: "structural" };
  const rendered = contents.map((_, k) => sentinelText.includes(sentinel(k)));
  return { text, spans: searchedSpans(text, rendered, contents, notFound), method: "search" };
}
