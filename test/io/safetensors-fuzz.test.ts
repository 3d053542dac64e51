import { describe, expect, it } from "vitest";
import { tensorToFloat32 } from "../../src/io/dtypes.js";
import { SafetensorsError } from "../../src/io/errors.js";
import { parseSafetensors, serializeSafetensors } from "../../src/io/safetensors.js";
import { rawSafetensors } from "./raw-safetensors.js";
import { mulberry32 } from "../../src/random/seeded.js";

const base = serializeSafetensors(
  {
    "model.embed.weight": {
      dtype: "F32",
      shape: [3, 2],
      data: new Float32Array([1, 2, 3, 4, 5, 6]),
    },
    "model.norm.weight": {
      dtype: "F16",
      shape: [3],
      data: new Uint16Array([0x3c00, 0x0001, 0x7c00]),
    },
    "lm_head.weight": { dtype: "BF16", shape: [1, 3], data: new Uint16Array([0x3f80, 0, 0xff80]) },
    ids: { dtype: "I64", shape: [2], data: new BigInt64Array([5n, -1n]) },
    mask: { dtype: "BOOL", shape: [3], data: new Uint8Array([1, 0, 1]) },
  },
  { format: "pt" },
);
const baseHeaderLen = Number(new DataView(base.buffer).getBigUint64(0, true));
const baseHeader = JSON.parse(new TextDecoder().decode(base.subarray(8, 8 + baseHeaderLen)));
const baseData = base.subarray(8 + baseHeaderLen);

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);

const ODD_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  2 ** 53,
  1e308,
  "F32",
  "",
  [],
  [0],
  [0, 0],
  [-1, 4],
  [4, 0],
  [1, 2, 3],
  [1e20, 1e20],
  ["0", "8"],
  {},
  { a: 1 },
  "BF16",
  "U8",
  [2 ** 40, 2 ** 40],
  [0, 2 ** 60],
];

/** Structural edits of the header JSON, re-encoded with a correct header length. */
function jsonEdit(rng: Rng): Uint8Array {
  const h = structuredClone(baseHeader) as Record<string, Record<string, unknown>>;
  const names = Object.keys(h);
  const name = pick(rng, names);
  const entry = h[name]!;
  const key = pick(rng, ["dtype", "shape", "data_offsets", "extra", "__metadata__"]);
  switch (int(rng, 6)) {
    case 0:
      delete entry[pick(rng, Object.keys(entry).concat(["dtype"]))];
      break;
    case 1:
      entry[key] = pick(rng, ODD_VALUES);
      break;
    case 2: {
      const offs = entry.data_offsets;
      if (Array.isArray(offs)) offs[int(rng, 2)] += int(rng, 17) - 8;
      break;
    }
    case 3: {
      const shape = entry.shape;
      if (Array.isArray(shape) && shape.length > 0) shape[int(rng, shape.length)] = int(rng, 5);
      else entry.shape = [int(rng, 4)];
      break;
    }
    case 4:
      h[pick(rng, ["__metadata__", "new", name])] = pick(rng, ODD_VALUES) as Record<
        string,
        unknown
      >;
      break;
    default:
      delete h[name];
  }
  const data = rng() < 0.8 ? baseData : baseData.subarray(0, int(rng, baseData.byteLength + 1));
  return rawSafetensors(h, data);
}

/** Character-level edits of the header text (may break the JSON syntax). */
function textEdit(rng: Rng): Uint8Array {
  const text = new TextDecoder().decode(base.subarray(8, 8 + baseHeaderLen));
  const at = int(rng, text.length);
  const junk = pick(rng, [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    '"',
    "\\",
    "0",
    "-",
    "e9",
    "\u00e9",
    "\ud800",
    " ",
  ]);
  const edited =
    rng() < 0.5
      ? text.slice(0, at) + junk + text.slice(at)
      : text.slice(0, at) + text.slice(at + 1 + int(rng, 4));
  return rawSafetensors(edited, baseData);
}

function mutate(rng: Rng): Uint8Array {
  const bytes = base.slice();
  switch (int(rng, 5)) {
    case 0: {
      const flips = 1 + int(rng, 4);
      for (let i = 0; i < flips; i++) {
        const at = int(rng, bytes.length);
        bytes[at] = bytes[at]! ^ (1 << int(rng, 8));
      }
      return bytes;
    }
    case 1:
      return bytes.subarray(0, int(rng, bytes.length));
    case 2: {
      const choices = [0n, 1n, 7n, 2n ** 32n, 2n ** 60n, 2n ** 64n - 1n, 100_000_001n];
      const len =
        rng() < 0.5 ? pick(rng, choices) : BigInt(Math.max(0, baseHeaderLen + int(rng, 41) - 20));
      new DataView(bytes.buffer).setBigUint64(0, len, true);
      return bytes;
    }
    case 3:
      return jsonEdit(rng);
    default:
      return textEdit(rng);
  }
}

describe("parseSafetensors under random mutation", () => {
  it("either parses or throws SafetensorsError, quickly, for 3000 mutated files", () => {
    const rng = mulberry32(20240601);
    let ok = 0;
    let rejected = 0;
    let slowest = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = mutate(rng);
      const t0 = performance.now();
      try {
        const file = parseSafetensors(bytes, "fuzz.safetensors");
        // Every tensor that parsed must also convert.
        for (const info of file.tensors.values()) {
          tensorToFloat32(info, "fuzz.safetensors");
          expect(info.data.byteOffset + info.data.byteLength).toBeLessThanOrEqual(
            bytes.byteOffset + bytes.byteLength,
          );
        }
        ok++;
      } catch (err) {
        if (!(err instanceof SafetensorsError)) {
          throw new Error(`mutation ${i} threw ${(err as Error).name}: ${(err as Error).message}`, {
            cause: err,
          });
        }
        expect(err.file).toBe("fuzz.safetensors");
        rejected++;
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    expect(ok).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(1000);
    // A generous bound: typical parses take well under 1 ms; this catches hangs and blow-ups.
    expect(slowest).toBeLessThan(200);
  });
});
