/**
 * Builds safetensors bytes by hand (any header, any data, any declared header length) so tests
 * can produce files our writer would refuse to write.
 */
export function rawSafetensors(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  declaredHeaderLength?: bigint,
): Uint8Array {
  const text = typeof header === "string" ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, declaredHeaderLength ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

/** A small valid file's parts: two F32 tensors 'a' [2] and 'b' [1, 2] packed back to back. */
export function twoTensorHeader(): Record<string, unknown> {
  return {
    __metadata__: { format: "pt" },
    a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
    b: { dtype: "F32", shape: [1, 2], data_offsets: [8, 16] },
  };
}

export const SIXTEEN_BYTES = new Uint8Array(16).map((_, i) => i);
