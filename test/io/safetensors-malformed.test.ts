import { describe, expect, it } from "vitest";
import { SafetensorsError } from "../../src/io/errors.js";
import { parseSafetensors, serializeSafetensors } from "../../src/io/safetensors.js";
import { SIXTEEN_BYTES, rawSafetensors, twoTensorHeader } from "./raw-safetensors.js";

const FILE = "model.safetensors";

/** Parses and returns the SafetensorsError it must throw. */
function failure(bytes: Uint8Array): SafetensorsError {
  try {
    parseSafetensors(bytes, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as SafetensorsError).file).toBe(FILE);
    return err as SafetensorsError;
  }
  throw new Error("expected parseSafetensors to throw");
}

/** The two-tensor header with `edit` applied to it. */
function edited(
  edit: (h: Record<string, Record<string, unknown>>) => void,
): Record<string, unknown> {
  const h = twoTensorHeader() as Record<string, Record<string, unknown>>;
  edit(h);
  return h;
}

describe("parseSafetensors on malformed files", () => {
  it("accepts the unmodified reference file", () => {
    const file = parseSafetensors(rawSafetensors(twoTensorHeader(), SIXTEEN_BYTES), FILE);
    expect([...file.tensors.keys()]).toEqual(["a", "b"]);
    expect(file.metadata).toEqual({ format: "pt" });
  });

  it("rejects a file shorter than the 8-byte header length", () => {
    const err = failure(new Uint8Array([1, 0, 0]));
    expect(err.tensor).toBeNull();
    expect(err.message).toBe(
      "model.safetensors: file is 3 bytes, too short for the 8-byte header length",
    );
  });

  it("rejects a file truncated inside the data section, naming the tensor past the end", () => {
    const full = rawSafetensors(twoTensorHeader(), SIXTEEN_BYTES);
    const err = failure(full.subarray(0, full.byteLength - 4));
    expect(err.tensor).toBe("b");
    expect(err.reason).toContain("extend past the end of the 12-byte data section");
  });

  it("rejects a header length larger than the file", () => {
    const err = failure(rawSafetensors(twoTensorHeader(), SIXTEEN_BYTES, 10_000n));
    expect(err.tensor).toBeNull();
    expect(err.reason).toContain("header length 10000 is larger than");
  });

  it("rejects a huge header length (2^60) without allocating it", () => {
    const err = failure(rawSafetensors(twoTensorHeader(), SIXTEEN_BYTES, 2n ** 60n));
    expect(err.reason).toBe(
      "header length 1152921504606846976 exceeds the limit of 100000000 bytes",
    );
  });

  it("rejects a header that is not JSON, not UTF-8, or not an object", () => {
    expect(failure(rawSafetensors("{not json", SIXTEEN_BYTES)).reason).toContain("not valid JSON");
    const badUtf8 = rawSafetensors("{}    ");
    badUtf8[9] = 0xff; // 0xff never occurs in UTF-8
    expect(failure(badUtf8).reason).toBe("header is not valid UTF-8");
    expect(failure(rawSafetensors("[1, 2]")).reason).toBe("header does not start with '{'");
    expect(failure(rawSafetensors("{}", new Uint8Array(0), 0n)).reason).toBe(
      "header does not start with '{'",
    );
  });

  it("rejects overlapping offsets, naming the later tensor and the one it overlaps", () => {
    const header = edited((h) => {
      h.b!.data_offsets = [4, 12];
    });
    const err = failure(rawSafetensors(header, SIXTEEN_BYTES.subarray(0, 12)));
    expect(err.tensor).toBe("b");
    expect(err.message).toBe(
      "model.safetensors: tensor 'b': data offsets [4, 12) overlap tensor 'a' (which ends at 8)",
    );
  });

  it("rejects out-of-range and inverted offsets", () => {
    const past = edited((h) => {
      h.b!.data_offsets = [8, 24];
    });
    expect(failure(rawSafetensors(past, SIXTEEN_BYTES)).tensor).toBe("b");
    const inverted = edited((h) => {
      h.a!.data_offsets = [10, 5];
    });
    expect(failure(rawSafetensors(inverted, SIXTEEN_BYTES)).message).toBe(
      "model.safetensors: tensor 'a': data offsets [10, 5) are inverted",
    );
    const negative = edited((h) => {
      h.a!.data_offsets = [-8, 0];
    });
    expect(failure(rawSafetensors(negative, SIXTEEN_BYTES)).tensor).toBe("a");
  });

  it("rejects a byte size that does not match shape × item size", () => {
    const header = edited((h) => {
      h.b!.shape = [3];
    });
    const err = failure(rawSafetensors(header, SIXTEEN_BYTES));
    expect(err.tensor).toBe("b");
    expect(err.reason).toBe(
      "data offsets [8, 16) hold 8 bytes but dtype F32 with shape [3] needs 12",
    );
  });

  it("rejects an unknown dtype and a malformed shape", () => {
    const dtype = edited((h) => {
      h.a!.dtype = "F8_E4M3";
    });
    const err = failure(rawSafetensors(dtype, SIXTEEN_BYTES));
    expect(err.tensor).toBe("a");
    expect(err.reason).toContain('unknown dtype "F8_E4M3"');
    const shape = edited((h) => {
      h.a!.shape = [2.5];
    });
    expect(failure(rawSafetensors(shape, SIXTEEN_BYTES)).tensor).toBe("a");
  });

  it("rejects a gap between tensors, naming the tensor after it", () => {
    const header = edited((h) => {
      h.b!.data_offsets = [12, 20];
    });
    const err = failure(rawSafetensors(header, new Uint8Array(20)));
    expect(err.tensor).toBe("b");
    expect(err.reason).toBe("gap of 4 bytes [8, 12) after tensor 'a'");
  });

  it("rejects a gap at the start and unused bytes at the end of the data section", () => {
    const start = { x: { dtype: "U8", shape: [1], data_offsets: [1, 2] } };
    expect(failure(rawSafetensors(start, new Uint8Array(2))).reason).toBe(
      "gap of 1 bytes [0, 1) after the start of the data section",
    );
    const trailing = failure(rawSafetensors(twoTensorHeader(), new Uint8Array(20)));
    expect(trailing.tensor).toBe("b");
    expect(trailing.reason).toBe("4 unused bytes [16, 20) after this tensor");
  });

  it("rejects a missing data_offsets and unknown keys in an entry", () => {
    const missing = edited((h) => {
      delete h.b!.data_offsets;
    });
    const err = failure(rawSafetensors(missing, SIXTEEN_BYTES));
    expect(err.message).toBe("model.safetensors: tensor 'b': missing 'data_offsets'");
    const extra = edited((h) => {
      h.a!.offsets = [0, 8];
    });
    expect(failure(rawSafetensors(extra, SIXTEEN_BYTES)).reason).toBe(
      "unknown key 'offsets' in entry",
    );
  });

  it("rejects metadata values that are not strings", () => {
    const header = edited((h) => {
      h.__metadata__ = { step: 3 };
    });
    const err = failure(rawSafetensors(header, SIXTEEN_BYTES));
    expect(err.tensor).toBeNull();
    expect(err.reason).toBe("__metadata__ value 'step' must be a string, got 3");
  });

  it("accepts zero-sized tensors and a header padded with spaces", () => {
    const header = { e: { dtype: "F32", shape: [0], data_offsets: [0, 0] } };
    const text = JSON.stringify(header) + "   ";
    const file = parseSafetensors(rawSafetensors(text), FILE);
    expect(file.tensors.get("e")!.data.byteLength).toBe(0);
    expect(parseSafetensors(serializeSafetensors({}), FILE).tensors.size).toBe(0);
  });
});
