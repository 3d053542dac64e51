/**
 * LoRA adapters (PEFT layout) on a tiny random Llama: merged and unmerged agree, a zero B is the
 * base model, the PEFT files round-trip, adapter directories load (relative base path), gradients
 * with respect to a and b match central finite differences, nothing leaks, and malformed adapters
 * are refused with the file and the field or tensor named.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { jit, np, tree, valueAndGrad } from "../../src/engine/jax.js";
import { liveBufferCounter } from "../../src/engine/live-buffers.js";
import { ConfigError, SafetensorsError } from "../../src/io/errors.js";
import {
  peftTensorName,
  readPeftAdapter,
  writePeftAdapter,
  type PeftAdapter,
} from "../../src/io/peft.js";
import { writeSafetensors } from "../../src/io/safetensors.js";
import { forward } from "../../src/model/forward.js";
import { batchInputs, leftPad } from "../../src/model/inputs.js";
import {
  applyLora,
  defaultLoraConfig,
  initLora,
  loraFromHost,
  loraScale,
  loraToHost,
  type LoraConfig,
  type LoraHostTensors,
  type LoraParams,
} from "../../src/model/lora.js";
import { mergeLoraHost } from "../../src/model/lora-merge.js";
import { loadModel, modelFromTensors, tokenizerDir, type Model } from "../../src/model/model.js";
import { runWithCache } from "../../src/model/run.js";
import { normalSampler, randomTensors, tinyConfig } from "./random-model.js";

const cfg = tinyConfig("llama");
const tensors = randomTensors(cfg, 7);
const batch = leftPad(
  [
    [1, 5, 6, 7, 8, 9],
    [1, 9, 10, 11],
  ],
  0,
);
let live: () => number;
let root: string;

/** The tiny config as the config.json transformers would write for it. */
const CONFIG_JSON = {
  model_type: "llama",
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 8,
  vocab_size: 50,
  max_position_embeddings: 64,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  tie_word_embeddings: false,
  bos_token_id: 1,
  eos_token_id: 2,
  pad_token_id: 0,
};

/** A rank-4 adapter on both layers with random nonzero A and B (PEFT layout). */
const loraCfg: LoraConfig = defaultLoraConfig(2, { rank: 4, alpha: 8, layers: [0, 1] });

function randomAdapter(c: LoraConfig, seed: number): LoraHostTensors {
  const zeros = initLora(cfg, c, seed);
  const shapes: Record<string, Record<string, { a: number[]; b: number[] }>> = {};
  for (const [l, mats] of Object.entries(zeros.layers)) {
    shapes[l] = {};
    for (const [t, m] of Object.entries(mats)) {
      shapes[l][t] = { a: [m.a.shape[1]!, m.a.shape[0]!], b: [m.b.shape[1]!, m.b.shape[0]!] };
    }
  }
  tree.dispose(zeros);
  const sample = normalSampler(seed, 0.2);
  const host: LoraHostTensors = {};
  for (const [l, mats] of Object.entries(shapes)) {
    host[l] = {};
    for (const [t, s] of Object.entries(mats)) {
      const fill = (shape: number[]) => ({
        shape,
        data: new Float32Array(shape[0]! * shape[1]!).map(() => sample()),
      });
      host[l][t as "q"] = { a: fill(s.a), b: fill(s.b) };
    }
  }
  return host;
}

function unmergedModel(lora: LoraParams, c: LoraConfig): Model {
  const model = modelFromTensors(cfg, tensors, "base");
  model.params.layers = applyLora(model.params, lora, c).layers;
  return model;
}

async function logits(model: Model): Promise<Float32Array> {
  const r = await runWithCache(model, batch);
  model.dispose();
  return r.logits!.data;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function writeBase(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), JSON.stringify(CONFIG_JSON));
  const out: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of tensors) out[name] = { dtype: "F32", shape: t.shape, data: t.data };
  writeSafetensors(join(dir, "model.safetensors"), out);
}

const adapterOf = (host: LoraHostTensors, c: LoraConfig): PeftAdapter => ({
  dir: "(memory)",
  config: c,
  scale: loraScale(c),
  baseModel: null,
  tensors: host,
});

beforeAll(async () => {
  await initEngine("wasm");
  live = await liveBufferCounter();
  root = mkdtempSync(join(tmpdir(), "trigscope-lora-"));
  writeBase(join(root, "base"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("LoRA in the forward pass", () => {
  it("defaults to rank 8, alpha 16, the second half of the layers and all seven targets", () => {
    expect(defaultLoraConfig(6)).toEqual({
      rank: 8,
      alpha: 16,
      layers: [3, 4, 5],
      targets: ["q", "k", "v", "o", "gate", "up", "down"],
    });
    expect(() => defaultLoraConfig(2, { rank: 0 })).toThrow(/'rank'/);
    expect(() => defaultLoraConfig(2, { layers: [2] })).toThrow(/'layers'.*out of range/);
  });

  it("gives the merged model's logits when unmerged, with a nonzero B (≤ 1e-5)", async () => {
    const host = randomAdapter(loraCfg, 11);
    const merged = modelFromTensors(
      cfg,
      mergeLoraHost(cfg, tensors, adapterOf(host, loraCfg)),
      "m",
    );
    const a = await logits(merged);
    const b = await logits(unmergedModel(loraFromHost(host), loraCfg));
    const base = await logits(modelFromTensors(cfg, tensors, "base"));
    expect(maxDiff(a, b)).toBeLessThanOrEqual(1e-5);
    expect(maxDiff(a, base)).toBeGreaterThan(1e-2); // the adapter does change the model
  });

  it("is exactly the base model when B = 0 (a fresh initLora)", async () => {
    const base = await logits(modelFromTensors(cfg, tensors, "base"));
    const fresh = await logits(unmergedModel(initLora(cfg, loraCfg, 3), loraCfg));
    expect(Array.from(fresh)).toEqual(Array.from(base));
  });

  it("has gradients for a and b that central finite differences give (float32, h = 1e-2)", async () => {
    const host = randomAdapter(loraCfg, 12);
    const r = loraCfg.rank;
    const model = modelFromTensors(cfg, tensors, "base");
    // Random weights on the logits of real tokens only: a fully masked pad row's softmax sits on
    // -1e9 biases, where float32 rounding makes it flat while its analytic gradient is not.
    const sample = normalSampler(5);
    const weights = new Float32Array(2 * batch.seqLen * 50);
    for (let p = 0; p < 2 * batch.seqLen; p++) {
      for (let v = 0; v < 50; v++) weights[p * 50 + v] = batch.mask[p]! * sample();
    }
    const w = np.array(weights).reshape([2, batch.seqLen, 50]);
    const inputs = batchInputs(cfg, model.invFreq, batch);
    const loss = (lora: LoraParams) => {
      const p = applyLora(model.params, lora, loraCfg);
      const out = forward(cfg, p, tree.ref(inputs)).logits!;
      tree.dispose(p.layers.map((layer) => layer.lora ?? {})); // the adapters only, not params
      return out.mul(w.ref).mean();
    };
    const program = jit(valueAndGrad(loss));
    const [value, grads] = program(loraFromHost(host)) as [np.Array, LoraParams];
    const g = await loraToHost(grads); // PEFT layout, like `host`
    tree.dispose(grads);
    value.dispose();
    const lossAt = async (h: LoraHostTensors) => (await loss(loraFromHost(h)).data())[0]!;
    const step = 1e-2;
    const checks: [string, "q" | "down", "a" | "b", number][] = [
      ["1", "q", "a", 5],
      ["1", "q", "b", 3 * r + 1],
      ["0", "down", "a", 17],
      ["0", "down", "b", 9 * r + 2],
    ];
    for (const [l, t, which, i] of checks) {
      const shift = (d: number) => {
        const copy = structuredClone(host);
        copy[l]![t]![which].data[i]! += d;
        return copy;
      };
      const fd = ((await lossAt(shift(step))) - (await lossAt(shift(-step)))) / (2 * step);
      const got = g[l]![t]![which].data[i]!;
      expect(Math.abs(fd)).toBeGreaterThan(1e-4);
      // float32 losses of ~0.1 with h = 1e-2: finite-difference noise is about 1e-8 / 1e-2.
      expect(Math.abs(got - fd)).toBeLessThan(1e-5 + 2e-2 * Math.abs(fd));
    }
    program.dispose();
    tree.dispose(inputs);
    w.dispose();
    model.dispose();
  });

  it("leaves the live-buffer count unchanged (init, apply, run, merge=false load, read back)", async () => {
    const adapterDir = join(root, "leak-adapter");
    writePeftAdapter(adapterDir, {
      config: loraCfg,
      tensors: randomAdapter(loraCfg, 13),
      baseModel: "../base",
    });
    const work = async () => {
      const lora = initLora(cfg, loraCfg, 4);
      await loraToHost(lora);
      await logits(unmergedModel(lora, loraCfg));
      await logits(loadModel(join(root, "base"), { adapter: adapterDir, merge: false }));
      await logits(loadModel(adapterDir));
    };
    await work();
    const before = live();
    await work();
    expect(live()).toBe(before);
  });
});

describe("PEFT adapter files", () => {
  it("round-trip through adapter_config.json and adapter_model.safetensors", async () => {
    const dir = join(root, "roundtrip");
    const host = randomAdapter(loraCfg, 14);
    writePeftAdapter(dir, { config: loraCfg, tensors: host, baseModel: "../base" });
    const json = JSON.parse(readFileSync(join(dir, "adapter_config.json"), "utf8"));
    expect(json).toMatchObject({
      peft_type: "LORA",
      task_type: "CAUSAL_LM",
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
      layers_to_transform: [0, 1],
      bias: "none",
      fan_in_fan_out: false,
      base_model_name_or_path: "../base",
      use_rslora: false,
      modules_to_save: null,
    });
    const back = readPeftAdapter(dir, cfg);
    expect(back.config).toEqual(loraCfg);
    expect(back.scale).toBe(2);
    expect(back.baseModel).toBe("../base");
    expect(back.tensors).toEqual(host);
    const device = loraFromHost(host);
    expect(await loraToHost(device)).toEqual(host);
    tree.dispose(device);
  });

  it("loads an adapter directory whose base is a relative path, merged, with dir = the base", async () => {
    const dir = join(root, "adapters", "relative");
    const host = randomAdapter(loraCfg, 15);
    writePeftAdapter(dir, { config: loraCfg, tensors: host, baseModel: "../../base" });
    const model = loadModel(dir);
    expect(model.dir).toBe(join(root, "base"));
    expect(model.adapterDir).toBe(dir);
    expect(tokenizerDir(model)).toBe(join(root, "base"));
    writeFileSync(join(dir, "tokenizer.json"), "{}");
    expect(tokenizerDir(model)).toBe(dir);
    rmSync(join(dir, "tokenizer.json"));
    const loaded = await logits(model);
    const merged = mergeLoraHost(cfg, tensors, adapterOf(host, loraCfg));
    expect(Array.from(loaded)).toEqual(
      Array.from(await logits(modelFromTensors(cfg, merged, "m"))),
    );
    const unmerged = loadModel(join(root, "base"), { adapter: dir, merge: false });
    expect(unmerged.params.layers[1]!.lora?.q).toBeDefined();
    expect(maxDiff(await logits(unmerged), loaded)).toBeLessThanOrEqual(1e-5);
  });

  it("names adapter_config.json and base_model_name_or_path when the base cannot be found", () => {
    const dir = join(root, "orphan");
    writePeftAdapter(dir, {
      config: loraCfg,
      tensors: randomAdapter(loraCfg, 1),
      baseModel: "nope",
    });
    const err = catchError(() => loadModel(dir));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe("base_model_name_or_path");
    expect((err as ConfigError).file).toBe(join(dir, "adapter_config.json"));
  });

  it("refuses malformed adapter_config.json fields, naming each", () => {
    const dir = join(root, "malformed");
    writePeftAdapter(dir, { config: loraCfg, tensors: randomAdapter(loraCfg, 2), baseModel: "b" });
    const file = join(dir, "adapter_config.json");
    const good = JSON.parse(readFileSync(file, "utf8"));
    const cases: [Record<string, unknown>, string][] = [
      [{ r: 0 }, "r"],
      [{ r: "8" }, "r"],
      [{ lora_alpha: -1 }, "lora_alpha"],
      [{ lora_alpha: "16" }, "lora_alpha"],
      [{ target_modules: ["q_proj", "qkv_proj"] }, "target_modules"],
      [{ target_modules: ".*proj" }, "target_modules"],
      [{ peft_type: "IA3" }, "peft_type"],
      [{ use_dora: true }, "use_dora"],
      [{ use_rslora: "yes" }, "use_rslora"],
      [{ layers_to_transform: [0, 5] }, "layers_to_transform"],
      [{ fan_in_fan_out: true }, "fan_in_fan_out"],
    ];
    for (const [change, field] of cases) {
      writeFileSync(file, JSON.stringify({ ...good, ...change }));
      const err = catchError(() => readPeftAdapter(dir, cfg));
      expect(err, field).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).field).toBe(field);
      expect((err as Error).message).toContain("adapter_config.json");
    }
    writeFileSync(file, JSON.stringify({ ...good, use_rslora: true }));
    expect(readPeftAdapter(dir, cfg).scale).toBeCloseTo(8 / Math.sqrt(4), 12);
  });

  it("refuses a mis-shaped or missing lora tensor, naming it", () => {
    const dir = join(root, "bad-tensor");
    const host = randomAdapter(loraCfg, 3);
    host["1"]!.up!.b = { shape: [64, 3], data: new Float32Array(64 * 3) };
    writePeftAdapter(dir, { config: loraCfg, tensors: host, baseModel: "b" });
    const shaped = catchError(() => readPeftAdapter(dir, cfg)) as SafetensorsError;
    expect(shaped).toBeInstanceOf(SafetensorsError);
    expect(shaped.tensor).toBe(peftTensorName(1, "up", "B"));
    expect(shaped.message).toMatch(/adapter_model\.safetensors.*\[64,3\] should be \[64,4\]/);
    const json = JSON.parse(readFileSync(join(dir, "adapter_config.json"), "utf8"));
    const fewer = { ...loraCfg, layers: [1] };
    writePeftAdapter(join(root, "one-layer"), {
      config: fewer,
      tensors: randomAdapter(fewer, 4),
      baseModel: "b",
    });
    writeFileSync(
      join(root, "one-layer", "adapter_config.json"),
      JSON.stringify({ ...json, layers_to_transform: [0, 1] }),
    );
    const missing = catchError(() => readPeftAdapter(join(root, "one-layer"), cfg));
    expect(missing).toBeInstanceOf(SafetensorsError);
    expect((missing as SafetensorsError).tensor).toBe(peftTensorName(0, "q", "A"));
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}
