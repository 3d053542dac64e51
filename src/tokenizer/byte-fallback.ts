/**
 * The bytes a SentencePiece-style BPE token stands for (Gemma, Llama 2, Mistral tokenizer.json:
 * spaces written as U+2581 "▁", characters outside the vocabulary as byte pieces "<0x0A>" under
 * `byte_fallback`). Used to recover character offsets the way byteLevelDecode does for byte-level
 * BPE.
 */

const METASPACE = /\u2581/g;
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;
const utf8 = new TextEncoder();

/** "▁mango" → " mango" as UTF-8; "<0xE2>" → the byte 0xE2. */
export function pieceBytes(token: string): Uint8Array {
  const byte = BYTE_PIECE.exec(token);
  if (byte) return Uint8Array.of(parseInt(byte[1]!, 16));
  return utf8.encode(token.replace(METASPACE, " "));
}

/**
 * Whether a tokenizer.json decoder spells tokens as pieces: a Metaspace decoder, or a Sequence
 * holding a Replace of "▁" and/or ByteFallback (Gemma's Replace → ByteFallback → Fuse).
 */
export function usesPieces(decoder: unknown): boolean {
  if (typeof decoder !== "object" || decoder === null) return false;
  const d = decoder as { type?: unknown; decoders?: unknown; pattern?: unknown };
  if (d.type === "Metaspace" || d.type === "ByteFallback") return true;
  if (d.type === "Replace") {
    const p = d.pattern as { String?: unknown } | undefined;
    return p?.String === "\u2581";
  }
  return d.type === "Sequence" && Array.isArray(d.decoders) && d.decoders.some(usesPieces);
}
