/**
 * Loading a model directory end to end: sharded weights (model.safetensors.index.json) give the
 * same logits as the single file, and a config/weights mismatch is refused with the names listed.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { readSafetensors } from "../../src/io/safetensors.js";
import { writeShardedSafetensors } from "../../src/io/sharded.js";
import { batchFromMask } from "../../src/model/inputs.js";
import { loadModel } from "../../src/model/model.js";
import { runWithCache } from "../../src/model/run.js";
import { WeightMismatchError } from "../../src/model/weights.js";
import { loadFixture } from "./fixture.js";

let dir: string;
beforeAll(async () => {
  await initEngine("wasm");
  dir = mkdtempSync(join(tmpdir(), "trigscope-load-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadModel", () => {
  it("reads sharded weights through model.safetensors.index.json with the same logits", async () => {
    const fx = loadFixture("qwen2");
    const sharded = join(dir, "qwen2-sharded");
    const file = readSafetensors(join(fx.dir, "model.safetensors"));
    const tensors: Record<string, { dtype: "BF16"; shape: number[]; data: Uint8Array }> = {};
    for (const [name, t] of file.tensors)
      tensors[name] = { dtype: t.dtype as "BF16", shape: t.shape, data: t.data };
    const { shards } = writeShardedSafetensors(sharded, tensors, 64 * 1024);
    expect(shards.length).toBeGreaterThan(2);
    copyFileSync(join(fx.dir, "config.json"), join(sharded, "config.json"));
    const ids = fx.i32("input_ids");
    const [b, t] = ids.shape as [number, number];
    const batch = batchFromMask(ids.data, Uint8Array.from(fx.i32("attention_mask").data), b, t);
    const one = loadModel(fx.dir);
    const many = loadModel(sharded);
    const a = (await runWithCache(one, batch)).logits!.data;
    const c = (await runWithCache(many, batch)).logits!.data;
    expect(Array.from(c)).toEqual(Array.from(a));
    one.dispose();
    many.dispose();
  });

  it("refuses weights that do not fit config.json, naming the tensors", () => {
    const fx = loadFixture("llama");
    const wrong = join(dir, "llama-wrong");
    writeShardedSafetensors(wrong, {}, 1 << 20);
    rmSync(join(wrong, "model.safetensors.index.json"));
    copyFileSync(join(fx.dir, "model.safetensors"), join(wrong, "model.safetensors"));
    const cfg = JSON.parse(readFileSync(join(fx.dir, "config.json"), "utf8"));
    writeFileSync(
      join(wrong, "config.json"),
      JSON.stringify({ ...cfg, num_hidden_layers: 3, intermediate_size: 96 }),
    );
    let err: unknown;
    try {
      loadModel(wrong);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeightMismatchError);
    const w = err as WeightMismatchError;
    expect(w.missing).toContain("model.layers.2.self_attn.q_proj.weight");
    expect(w.misShaped.map((m) => m.name)).toContain("model.layers.0.mlp.up_proj.weight");
    expect(w.message).toContain("model.safetensors");
  });
});
