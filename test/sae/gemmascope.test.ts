/**
 * GemmaScope's params.npz: the hook taken from GemmaScope's published folders (res/mlp/att,
 * pt/it, inside a Hugging Face cache folder too) or given explicitly, the archive named directly,
 * float16/float64 arrays upcast, w_enc/w_dec spellings, and named errors for a Fortran-ordered,
 * mis-shaped, missing, unexpected or non-float array, a width folder that disagrees with d_sae,
 * an archive that is not a zip, and folders that name no hook.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { zipSync } from "fflate";
import { dump } from "npyjs";
import { afterAll, describe, expect, it } from "vitest";
import { SaeError, detectSaeFormat, loadSae, writeSaelens, type Sae } from "../../src/sae/index.js";
import { fixtureSae, tempDir } from "./sae-helpers.js";

const FIXTURE_NPZ = join(fixtureSae("gemmascope"), "params.npz");
const fixture = loadSae(fixtureSae("gemmascope"), { hookName: "blocks.0.hook_resid_post" });
const tmp = tempDir();
afterAll(tmp.cleanup);
let n = 0;

/** The fixture's params.npz copied to tmp/<case>/<folders>; returns the archive's path. */
function placed(folders: string): string {
  const file = join(tmp.dir, `case${n++}`, folders, "params.npz");
  mkdirSync(dirname(file), { recursive: true });
  copyFileSync(FIXTURE_NPZ, file);
  return file;
}

type Arrays = Record<
  string,
  { data: Float32Array | Float64Array | Uint16Array | Int32Array; shape: number[]; dtype?: "f2" }
>;

/** The fixture's arrays (float32), to edit before writing an archive. */
function fixtureArrays(): Arrays {
  const w = fixture.weights;
  return {
    W_enc: { data: w.wEnc.data.slice(), shape: w.wEnc.shape },
    W_dec: { data: w.wDec.data.slice(), shape: w.wDec.shape },
    b_enc: { data: w.bEnc.data.slice(), shape: w.bEnc.shape },
    b_dec: { data: w.bDec.data.slice(), shape: w.bDec.shape },
    threshold: { data: w.threshold!.data.slice(), shape: w.threshold!.shape },
  };
}

/** Writes arrays as an .npz (zip of .npy, as np.savez); `patch` edits each .npy's bytes. */
function writeNpz(arrays: Arrays, patch?: (name: string, npy: Uint8Array) => void): string {
  const file = join(tmp.dir, `case${n++}`, "params.npz");
  mkdirSync(dirname(file), { recursive: true });
  const entries: Record<string, Uint8Array> = {};
  for (const [name, a] of Object.entries(arrays)) {
    const npy = new Uint8Array(dump(a.data, a.shape, a.dtype ? { dtype: a.dtype } : {}));
    patch?.(name, npy);
    entries[`${name}.npy`] = npy;
  }
  writeFileSync(file, zipSync(entries, { level: 0 }));
  return file;
}

function caught(fn: () => unknown): SaeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SaeError);
    return e as SaeError;
  }
  throw new Error("expected a SaeError");
}

/** Float16 bits of a float32 value that float16 holds exactly (normal or zero). */
function f16(v: number): number {
  if (v === 0) return 0;
  const bits = new Uint32Array(Float32Array.of(v).buffer)[0]!;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  return ((bits >>> 16) & 0x8000) | (exp << 10) | ((bits >>> 13) & 0x3ff);
}

const sameWeights = (a: Sae, b: Sae) => {
  for (const k of ["wEnc", "wDec", "bEnc", "bDec", "threshold"] as const)
    expect(a.weights[k]).toEqual(b.weights[k]);
};

describe("GemmaScope hook from its published folders", () => {
  const cases: [string, string, string][] = [
    ["gemma-scope-2b-pt-res/layer_1/average_l0_5", "blocks.1.hook_resid_post", "gemma-2-2b"],
    ["gemma-scope-9b-it-mlp/layer_3/average_l0_7", "blocks.3.hook_mlp_out", "gemma-2-9b-it"],
    ["gemma-scope-2b-pt-att/layer_0/average_l0_9", "blocks.0.attn.hook_z", "gemma-2-2b"],
    [
      "models--google--gemma-scope-2b-pt-res/snapshots/0123abc/layer_2/average_l0_5",
      "blocks.2.hook_resid_post",
      "gemma-2-2b",
    ],
    ["gemma-scope-2b-pt-res-canonical/layer_1/canonical", "blocks.1.hook_resid_post", "gemma-2-2b"],
  ];
  for (const [folders, hook, model] of cases) {
    it(`${folders} → ${hook}`, () => {
      const file = placed(folders);
      for (const path of [dirname(file), file]) {
        expect(detectSaeFormat(path)).toBe("gemmascope");
        const sae = loadSae(path);
        expect(sae.config).toMatchObject({
          format: "gemmascope",
          architecture: "jumprelu",
          hookName: hook,
          modelName: model,
          dIn: 16,
          dSae: 48,
          applyBDecToInput: false,
          activationScale: 1,
          dtype: "float32",
        });
        sameWeights(sae, fixture);
      }
    });
  }

  it("an explicit hook wins over the folders", () => {
    const file = placed("gemma-scope-2b-pt-res/layer_1/average_l0_5");
    expect(loadSae(file, { hookName: "blocks.0.hook_mlp_out" }).config.hookName).toBe(
      "blocks.0.hook_mlp_out",
    );
  });

  it("folders that name no hook, embedding SAEs and transcoders → SaeError naming hook_name", () => {
    for (const folders of [
      "plain/folder",
      "gemma-scope-2b-pt-res/embedding/width_4k/average_l0_6",
      "gemma-scope-2b-pt-transcoders/layer_3/average_l0_5",
      "gemma-scope-2b-pt-res/average_l0_5",
    ]) {
      const file = placed(folders);
      const e = caught(() => loadSae(file));
      expect(e.file).toBe(file);
      expect(e.field).toBe("hook_name");
      expect(e.reason).toMatch(/--sae-hook/);
    }
  });

  it("a width folder that disagrees with d_sae → SaeError naming W_enc", () => {
    const file = placed("gemma-scope-2b-pt-res/layer_1/width_16k/average_l0_5");
    const e = caught(() => loadSae(file));
    expect(e.field).toBe("W_enc");
    expect(e.reason).toMatch(/d_sae 48 but its folder width_16k means 16384/);
  });

  it("a hook given to a SAELens SAE must be the one its cfg.json names", () => {
    const e = caught(() => loadSae(fixtureSae("standard"), { hookName: "blocks.1.hook_mlp_out" }));
    expect(e.field).toBe("hook_name");
    expect(() =>
      loadSae(fixtureSae("standard"), { hookName: "blocks.0.hook_resid_post" }),
    ).not.toThrow();
    expect(() => loadSae(fixtureSae("standard"), { hook: "x" } as never)).toThrow(
      /unknown option 'hook'/,
    );
  });
});

describe("GemmaScope arrays", () => {
  const hook = { hookName: "blocks.0.hook_resid_post" };

  it("reads an archive written by the test (same weights as np.savez wrote)", () => {
    sameWeights(loadSae(writeNpz(fixtureArrays()), hook), fixture);
  });

  it("writes as a SAELens jumprelu SAE with the same weights, hook and no b_dec subtraction", () => {
    const dir = join(tmp.dir, "as-saelens");
    writeSaelens(dir, fixture);
    const back = loadSae(dir);
    expect(back.config).toMatchObject({
      format: "saelens",
      architecture: "jumprelu",
      hookName: "blocks.0.hook_resid_post",
      applyBDecToInput: false,
    });
    sameWeights(back, fixture);
  });

  it("upcasts float64 and float16 arrays, and reads w_enc / w_dec", () => {
    const a = fixtureArrays();
    const f64 = Object.fromEntries(
      Object.entries(a).map(([k, v]) => [
        k.toLowerCase(),
        { data: Float64Array.from(v.data), shape: v.shape },
      ]),
    );
    const wide = loadSae(writeNpz(f64), hook);
    expect(wide.config.dtype).toBe("float64");
    sameWeights(wide, fixture);
    // Values float16 holds exactly: multiples of 1/64 in [-2, 2].
    const q = (x: number) => Math.round(x * 64) / 64 + 0; // + 0: no -0
    const half = Object.fromEntries(
      Object.entries(a).map(([k, v]) => [
        k,
        { data: Uint16Array.from(v.data, (x) => f16(q(x))), shape: v.shape, dtype: "f2" as const },
      ]),
    );
    const sae = loadSae(writeNpz(half), hook);
    expect(sae.config.dtype).toBe("float16");
    expect([...sae.weights.wEnc.data]).toEqual([...a.W_enc!.data].map(q));
  });

  it("a Fortran-ordered array → SaeError naming it", () => {
    const file = writeNpz(fixtureArrays(), (name, npy) => {
      if (name !== "W_dec") return;
      const text = new TextDecoder("latin1").decode(npy.subarray(0, 128));
      const at = text.indexOf("False");
      npy.set(new TextEncoder().encode("True "), at);
    });
    const e = caught(() => loadSae(file, hook));
    expect(e.field).toBe("W_dec");
    expect(e.reason).toMatch(/Fortran/);
  });

  it("mis-shaped, missing, unexpected and integer arrays → SaeError naming each", () => {
    const transposed = fixtureArrays();
    transposed.W_dec!.shape = [16, 48];
    let e = caught(() => loadSae(writeNpz(transposed), hook));
    expect([e.field, e.reason]).toEqual(["W_dec", "shape [16,48] but expected [48,16]"]);

    const missing = fixtureArrays();
    delete missing.threshold;
    e = caught(() => loadSae(writeNpz(missing), hook));
    expect(e.field).toBe("threshold");
    expect(e.reason).toMatch(/missing array/);

    const extra = fixtureArrays();
    extra.scaling_factor = { data: new Float32Array(48).fill(2), shape: [48] };
    e = caught(() => loadSae(writeNpz(extra), hook));
    expect(e.field).toBe("scaling_factor");

    const ints = fixtureArrays();
    ints.b_dec = { data: new Int32Array(16), shape: [16] };
    e = caught(() => loadSae(writeNpz(ints), hook));
    expect([e.field, e.reason]).toEqual(["b_dec", "dtype i4 is not a float type (<f4, <f8, <f2)"]);
  });

  it("a file that is not a zip archive → SaeError naming the file", () => {
    const file = join(tmp.dir, "broken", "params.npz");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "not a zip");
    const e = caught(() => loadSae(file, hook));
    expect(e.file).toBe(file);
    expect(e.field).toBeNull();
  });
});
