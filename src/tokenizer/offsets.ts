/**
 * Character offsets of tokens, recovered from their bytes (@huggingface/tokenizers gives none).
 *
 * Each token's bytes are matched against the UTF-8 bytes of the text, left to right. A token covering
 * bytes [s, e) gets the character span [start of the character holding byte s, end of the character
 * holding byte e−1), in UTF-16 code units (JavaScript string indices). So when byte-level BPE splits
 * one character across tokens (an emoji as 2–3 tokens), each of those tokens gets that character's
 * whole span and their spans overlap — the rule the Rust `tokenizers` crate follows too.
 * Tolerated differences between token bytes and text bytes, and nothing else:
 * - a space the pre-tokenizer inserted (`add_prefix_space`): not in the text, so the span excludes it;
 * - whitespace an added token stripped (`lstrip`/`rstrip`): skipped, belongs to no token.
 * Tokens inserted by the post-processor (BOS) are not aligned here; the caller gives them empty spans.
 */

/** [charStart, charEnd) in UTF-16 code units. */
export type Offset = [number, number];

const SPACE = 0x20;

function isWhitespaceByte(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  return codePoint < 0x10000 ? 3 : 4; // a lone surrogate encodes as U+FFFD: 3 bytes
}

/** Per byte of the UTF-8 encoding: the string index where its character starts and ends. */
function byteToCharTables(text: string): { start: Int32Array; end: Int32Array; bytes: number } {
  const start = new Int32Array(text.length * 3 + 1);
  const end = new Int32Array(text.length * 3 + 1);
  let b = 0;
  let c = 0;
  for (const ch of text) {
    const n = utf8Length(ch.codePointAt(0)!);
    for (let k = 0; k < n; k++) {
      start[b + k] = c;
      end[b + k] = c + ch.length;
    }
    b += n;
    c += ch.length;
  }
  return { start, end, bytes: b };
}

function matchesAt(text: Uint8Array, pos: number, token: Uint8Array, from = 0): boolean {
  if (pos + token.length - from > text.length) return false;
  for (let k = from; k < token.length; k++) if (text[pos + k - from] !== token[k]) return false;
  return true;
}

/**
 * Aligns token byte strings to `text`. `fail` receives a description of the first token that does
 * not spell the text (a normalizer changed it, or an unknown-token id), and must throw.
 */
export function alignTokenBytes(
  text: string,
  tokens: readonly Uint8Array[],
  fail: (detail: string) => never,
): Offset[] {
  const textBytes = new TextEncoder().encode(text);
  const table = byteToCharTables(text);
  const charAt = (bytePos: number): number =>
    bytePos >= table.bytes ? text.length : table.start[bytePos]!;
  const offsets: Offset[] = [];
  let p = 0;
  tokens.forEach((token, i) => {
    let start = -1;
    let length = token.length;
    for (let q = p; start < 0; q++) {
      if (matchesAt(textBytes, q, token)) start = q;
      else if (token[0] === SPACE && matchesAt(textBytes, q, token, 1)) {
        start = q;
        length = token.length - 1;
      } else if (q >= textBytes.length || !isWhitespaceByte(textBytes[q]!)) break;
    }
    if (start < 0) {
      const shown = new TextDecoder().decode(token);
      fail(
        `token ${i} (${JSON.stringify(shown)}) does not spell the text at character ${charAt(p)}`,
      );
    }
    offsets.push(
      length === 0
        ? [charAt(start), charAt(start)]
        : [charAt(start), table.end[start + length - 1]!],
    );
    p = start + length;
  });
  for (let q = p; q < textBytes.length; q++) {
    if (!isWhitespaceByte(textBytes[q]!)) {
      fail(`the text from character ${charAt(q)} on is not covered by any token`);
    }
  }
  return offsets;
}
