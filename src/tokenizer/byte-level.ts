/**
 * GPT-2's reversible byte ↔ printable-character map, used by every byte-level BPE vocabulary
 * (GPT-2, Llama 3, Qwen2/3): byte b is written as one character so a token string spells its bytes.
 * Bytes that are printable Latin-1 map to themselves; the other 68 map to U+0100 upward in order.
 */

function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table = new Array<string>(256);
  for (const b of printable) table[b] = String.fromCharCode(b);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCharCode(256 + next++);
  }
  return table;
}

/** `BYTE_TO_CHAR[b]` is the vocabulary character that stands for byte b. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

const utf8 = new TextEncoder();

/** UTF-8 encodes `text` and spells the bytes with vocabulary characters ("Hello world" → "HelloĠworld"). */
export function byteLevelEncode(text: string): string {
  let out = "";
  for (const b of utf8.encode(text)) out += BYTE_TO_CHAR[b];
  return out;
}

/** The bytes a byte-level token string stands for, or null if it holds a character outside the map. */
export function byteLevelDecode(token: string): Uint8Array | null {
  const bytes = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token[i]!);
    if (b === undefined) return null;
    bytes[i] = b;
  }
  return bytes;
}
