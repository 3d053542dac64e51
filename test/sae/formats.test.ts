/**
 * SAELens write → read round trip, dtype upcasting, the two spellings of k, and named errors for
 * malformed config fields, missing/mis-shaped/unexpected tensors, unknown directories and a SAE
 * that does not fit the model.
 */
import { copyFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { readSafetensors, writeSafetensors, type TensorToWrite } from "../../src/io/safetensors.js";
import {
  SaeError,
  checkSaeForModel,
  encodeHost,
  loadSae,
  readSaelens,
  saeToDevice,
  writeSaelens,
  type HostTensor,
  type Sae,
} from "../../src/sae/index.js";
import { tinyConfig } from "../model/random-model.js";
import { fixtureSae, maxDiff, referenceTensors, tempDir } from "./sae-helpers.js";

const x = referenceTensors().get("x")!;
const tmp = tempDir();
let n = 0;
const fresh = (): string => join(tmp.dir, `case${n++}`);

beforeAll(async () => {
  await initEngine("wasm");
});
afterAll(tmp.cleanup);

async function outputs(sae: Sae, input: HostTensor = x) {
  const d = saeToDevice(sae);
  try {
    return await encodeHost(d, input);
  } finally {
    d.dispose();
  }
}

/** A copy of the standard fixture with cfg.json changed by `edit`. */
function withCfg(edit: (cfg: Record<string, unknown>) => void, name = "standard"): string {
  const dir = fresh();
  cpSync(fixtureSae(name), dir, { recursive: true });
  const file = join(dir, "cfg.json");
  const cfg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(cfg);
  writeFileSync(file, JSON.stringify(cfg));
  return dir;
}

/** A copy of the standard fixture with its tensors changed by `edit`. */
function withTensors(edit: (t: Record<string, TensorToWrite>) => void, name = "standard"): string {
  const dir = fresh();
  cpSync(fixtureSae(name), dir, { recursive: true });
  const file = join(dir, "sae_weights.safetensors");
  const tensors: Record<string, TensorToWrite> = {};
  for (const [k, info] of readSafetensors(join(fixtureSae(name), "sae_weights.safetensors"))
    .tensors) {
    tensors[k] = { dtype: info.dtype, shape: info.shape, data: info.data.slice() };
  }
  edit(tensors);
  writeSafetensors(file, tensors);
  return dir;
}

function expectSaeError(
  fn: () => unknown,
  file: RegExp,
  field: string | null,
  reason?: RegExp,
): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SaeError);
  const e = caught as SaeError;
  expect(e.file).toMatch(file);
  expect(e.field).toBe(field);
  if (reason) expect(e.reason).toMatch(reason);
}

describe("SAELens round trip", () => {
  for (const name of ["standard", "standard_bdec", "jumprelu", "topk"]) {
    it(`writes ${name} and reads back the same config, weights and outputs`, async () => {
      const sae = readSaelens(fixtureSae(name));
      const dir = fresh();
      writeSaelens(dir, sae);
      const back = readSaelens(dir);
      expect(back.config).toEqual(sae.config);
      for (const key of Object.keys(sae.weights) as (keyof Sae["weights"])[]) {
        expect(back.weights[key]).toEqual(sae.weights[key]);
      }
      const a = await outputs(sae);
      const b = await outputs(back);
      expect(b.features.data).toEqual(a.features.data);
      expect(b.reconstruction.data).toEqual(a.reconstruction.data);
    });
  }

  it("writes a Llama Scope SAE as SAELens with the scale folded in (same function)", async () => {
    const sae = loadSae(fixtureSae("llamascope"));
    const dir = fresh();
    writeSaelens(dir, sae);
    const back = loadSae(dir);
    expect(back.config.format).toBe("saelens");
    expect(back.config.activationScale).toBe(1);
    const a = await outputs(sae);
    const b = await outputs(back);
    expect(maxDiff(a.features.data, b.features.data).diff).toBeLessThan(1e-5);
    expect(maxDiff(a.reconstruction.data, b.reconstruction.data).diff).toBeLessThan(1e-5);
  });
});

describe("SAELens reading", () => {
  it("accepts k under activation_fn_kwargs with activation_fn_str topk (older SAELens)", () => {
    const dir = withCfg((c) => {
      delete c.k;
      c.architecture = "standard";
      c.activation_fn_str = "topk";
      c.activation_fn_kwargs = { k: 5 };
    }, "topk");
    const sae = readSaelens(dir);
    expect(sae.config.architecture).toBe("topk");
    expect(sae.config.k).toBe(5);
  });

  it("reads hook_name and model_name from metadata (SAELens 6)", () => {
    const dir = withCfg((c) => {
      c.metadata = { hook_name: c.hook_name, model_name: "m" };
      delete c.hook_name;
      delete c.model_name;
    });
    const sae = readSaelens(dir);
    expect(sae.config.hookName).toBe("blocks.0.hook_resid_post");
    expect(sae.config.modelName).toBe("m");
  });

  it("upcasts F16 and BF16 weights to float32", () => {
    const toHalf = (bits16: (f: number) => number) => (t: Record<string, TensorToWrite>) => {
      for (const [k, v] of Object.entries(t)) {
        const f = new Float32Array(v.data.buffer, v.data.byteOffset, v.data.byteLength / 4);
        t[k] = {
          dtype: bits16 === bf16 ? "BF16" : "F16",
          shape: v.shape,
          data: Uint16Array.from(f, bits16),
        };
      }
    };
    const f32 = readSaelens(fixtureSae("standard")).weights.wEnc.data;
    const f16Sae = readSaelens(withTensors(toHalf(f16)));
    const bf16Sae = readSaelens(withTensors(toHalf(bf16)));
    expect(f16Sae.config.dtype).toBe("float32"); // cfg.json's dtype wins over the file's
    // F16 keeps 11 significant bits, BF16 8: relative error ≤ 2^-11 and 2^-8.
    for (let i = 0; i < f32.length; i++) {
      expect(Math.abs(f16Sae.weights.wEnc.data[i]! - f32[i]!)).toBeLessThanOrEqual(
        Math.abs(f32[i]!) * 2 ** -11 + 1e-7,
      );
      expect(Math.abs(bf16Sae.weights.wEnc.data[i]! - f32[i]!)).toBeLessThanOrEqual(
        Math.abs(f32[i]!) * 2 ** -8,
      );
    }
  });
});

/** float32 → IEEE half bits (round to nearest even; values here are in the normal range). */
function f16(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (exp <= 0) return sign; // flush tiny values (|v| < 6e-5) to zero
  let h = sign | (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return h;
}
/** float32 → bfloat16 bits (round to nearest even). */
function bf16(v: number): number {
  const u = new Uint32Array(new Float32Array([v]).buffer)[0]!;
  return (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
}

describe("named errors", () => {
  const cfgCases: [string, (c: Record<string, unknown>) => void, string, RegExp][] = [
    ["missing d_in", (c) => delete c.d_in, "d_in", /missing/],
    ["d_in as a string", (c) => (c.d_in = "16"), "d_in", /positive integer/],
    ["unknown architecture", (c) => (c.architecture = "gated"), "architecture", /gated/],
    [
      "unknown activation function",
      (c) => (c.activation_fn_str = "tanh-relu"),
      "activation_fn_str",
      /tanh-relu/,
    ],
    ["missing hook_name", (c) => delete c.hook_name, "hook_name", /missing/],
    [
      "bad hook_name",
      (c) => (c.hook_name = "blocks.x.hook_resid_post"),
      "hook_name",
      /unknown hook point/,
    ],
    [
      "runtime normalisation",
      (c) => (c.normalize_activations = "layer_norm"),
      "normalize_activations",
      /layer_norm/,
    ],
    [
      "apply_b_dec_to_input not a bool",
      (c) => (c.apply_b_dec_to_input = "yes"),
      "apply_b_dec_to_input",
      /true or false/,
    ],
    ["per-head SAE", (c) => (c.hook_head_index = 3), "hook_head_index", /not supported/],
  ];
  for (const [what, edit, field, reason] of cfgCases) {
    it(`cfg.json: ${what} → SaeError naming '${field}'`, () => {
      expectSaeError(() => readSaelens(withCfg(edit)), /cfg\.json$/, field, reason);
    });
  }

  it("cfg.json: topk without k names 'k'; k above d_sae names 'k'", () => {
    expectSaeError(
      () => readSaelens(withCfg((c) => delete c.k, "topk")),
      /cfg\.json$/,
      "k",
      /missing/,
    );
    expectSaeError(
      () => readSaelens(withCfg((c) => (c.k = 49), "topk")),
      /cfg\.json$/,
      "k",
      /exceeds d_sae/,
    );
    const both = withCfg((c) => (c.activation_fn_kwargs = { k: 4 }), "topk");
    expectSaeError(() => readSaelens(both), /cfg\.json$/, "k", /disagrees/);
  });

  it("cfg.json that is not JSON names the file", () => {
    const dir = fresh();
    cpSync(fixtureSae("standard"), dir, { recursive: true });
    writeFileSync(join(dir, "cfg.json"), "{ not json");
    expectSaeError(() => readSaelens(dir), /cfg\.json$/, null, /not valid JSON/);
  });

  it("missing tensor W_dec → SaeError naming W_dec", () => {
    const dir = withTensors((t) => delete t.W_dec);
    expectSaeError(() => readSaelens(dir), /sae_weights\.safetensors$/, "W_dec", /missing tensor/);
  });

  it("jumprelu without threshold → SaeError naming threshold", () => {
    const dir = withTensors((t) => delete t.threshold, "jumprelu");
    expectSaeError(() => readSaelens(dir), /sae_weights\.safetensors$/, "threshold", /missing/);
  });

  it("mis-shaped b_enc and transposed W_enc → SaeError naming the tensor and both shapes", () => {
    const short = withTensors((t) => {
      t.b_enc = { dtype: "F32", shape: [47], data: new Float32Array(47) };
    });
    expectSaeError(() => readSaelens(short), /safetensors$/, "b_enc", /\[47\] but expected \[48\]/);
    const transposed = withTensors((t) => {
      t.W_enc = { ...t.W_enc!, shape: [48, 16] };
    });
    expectSaeError(
      () => readSaelens(transposed),
      /safetensors$/,
      "W_enc",
      /\[48,16\] but expected \[16,48\]/,
    );
  });

  it("unexpected tensor (a threshold on a standard SAE) → SaeError naming it", () => {
    const dir = withTensors((t) => {
      t.threshold = { dtype: "F32", shape: [48], data: new Float32Array(48) };
    });
    expectSaeError(() => readSaelens(dir), /safetensors$/, "threshold", /unexpected/);
  });

  it("a corrupt safetensors file → SaeError naming the file", () => {
    const dir = fresh();
    cpSync(fixtureSae("standard"), dir, { recursive: true });
    writeFileSync(join(dir, "sae_weights.safetensors"), new Uint8Array(4));
    expectSaeError(() => readSaelens(dir), /sae_weights\.safetensors$/, null, /too short/);
  });

  it("Llama Scope: missing jump_relu_threshold and a transcoder hook_point_out are named", () => {
    const edit = (fn: (h: Record<string, unknown>) => void): string => {
      const dir = fresh();
      cpSync(fixtureSae("llamascope"), dir, { recursive: true });
      const file = join(dir, "hyperparams.json");
      const h = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      fn(h);
      writeFileSync(file, JSON.stringify(h));
      return dir;
    };
    const noThreshold = edit((h) => delete h.jump_relu_threshold);
    expectSaeError(
      () => loadSae(noThreshold),
      /hyperparams\.json$/,
      "jump_relu_threshold",
      /missing/,
    );
    const transcoder = edit((h) => (h.hook_point_out = "blocks.1.hook_mlp_out"));
    expectSaeError(
      () => loadSae(transcoder),
      /hyperparams\.json$/,
      "hook_point_out",
      /transcoders/,
    );
    const noNorm = edit((h) => delete h.dataset_average_activation_norm);
    expectSaeError(
      () => loadSae(noNorm),
      /hyperparams\.json$/,
      "dataset_average_activation_norm",
      /missing/,
    );
    const zeroNorm = edit((h) => (h.dataset_average_activation_norm = { in: 0 }));
    expectSaeError(
      () => loadSae(zeroNorm),
      /hyperparams\.json$/,
      "dataset_average_activation_norm.in",
      /positive/,
    );
  });

  it("Llama Scope: expansion_factor must agree with d_sae; norms keyed by hook read as in/out", async () => {
    const edit = (fn: (h: Record<string, unknown>) => void): string => {
      const dir = fresh();
      cpSync(fixtureSae("llamascope_decnorm"), dir, { recursive: true });
      const file = join(dir, "hyperparams.json");
      const h = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      fn(h);
      writeFileSync(file, JSON.stringify(h));
      return dir;
    };
    // The fixture's d_sae 48 = d_model 16 × expansion_factor 3 (make_sae_fixtures.py).
    const wide = edit((h) => (h.expansion_factor = 4));
    expectSaeError(() => loadSae(wide), /hyperparams\.json$/, "d_sae", /16 × 4/);
    const flag = edit((h) => (h.sparsity_include_decoder_norm = "yes"));
    expectSaeError(
      () => loadSae(flag),
      /hyperparams\.json$/,
      "sparsity_include_decoder_norm",
      /true or false/,
    );
    const byHook = edit(
      (h) =>
        (h.dataset_average_activation_norm = {
          "blocks.1.hook_mlp_out": 7.5,
        }),
    );
    const a = await outputs(loadSae(fixtureSae("llamascope_decnorm")));
    const b = await outputs(loadSae(byHook));
    expect(b.features.data).toEqual(a.features.data);
    expect(b.reconstruction.data).toEqual(a.reconstruction.data);
  });

  it("Llama Scope: encoder.weight in SAELens orientation → SaeError naming it", () => {
    const dir = fresh();
    cpSync(fixtureSae("llamascope"), dir, { recursive: true });
    const file = join(dir, "checkpoints", "final.safetensors");
    const tensors: Record<string, TensorToWrite> = {};
    for (const [k, info] of readSafetensors(file).tensors) {
      tensors[k] = { dtype: info.dtype, shape: info.shape, data: info.data.slice() };
    }
    tensors["encoder.weight"]!.shape = [16, 48];
    writeSafetensors(file, tensors);
    expectSaeError(
      () => loadSae(dir),
      /final\.safetensors$/,
      "encoder.weight",
      /expected \[48,16\]/,
    );
  });

  it("a directory in neither layout → SaeError naming the directory", () => {
    const dir = fresh();
    cpSync(fixtureSae("standard"), dir, { recursive: true });
    copyFileSync(join(dir, "cfg.json"), join(dir, "other.json"));
    writeFileSync(join(dir, "cfg.json"), "{}");
    expectSaeError(() => loadSae(dir), /cfg\.json$/, "d_in", /missing/);
    expectSaeError(() => loadSae(tmp.dir), new RegExp(tmp.dir), null, /not a SAE directory/);
  });

  it("d_in ≠ the model's d_model → SaeError naming both", () => {
    const sae = loadSae(fixtureSae("standard")); // d_in 16
    let caught: unknown;
    try {
      checkSaeForModel(sae, tinyConfig("llama")); // d_model 32
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SaeError);
    expect((caught as SaeError).field).toBe("d_in");
    expect((caught as SaeError).message).toMatch(/d_in \(16\).*d_model \(32\)/);
    expect(() => checkSaeForModel(sae, tinyConfig("llama", { dModel: 16 }))).not.toThrow();
  });

  it("a hook past the model's last layer → SaeError naming hook_name", () => {
    const sae = loadSae(fixtureSae("standard"));
    sae.config.hookName = "blocks.5.hook_resid_post";
    expectSaeError(
      () => checkSaeForModel(sae, tinyConfig("llama", { dModel: 16 })),
      /standard$/,
      "hook_name",
      /out of range \(model has 2 layers\)/,
    );
  });
});
