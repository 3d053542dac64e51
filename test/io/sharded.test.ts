import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ModelDirError, SafetensorsError } from "../../src/io/errors.js";
import { writeSafetensors, type TensorToWrite } from "../../src/io/safetensors.js";
import { INDEX_FILE, shardFileName, writeShardedSafetensors } from "../../src/io/sharded.js";
import { loadWeights } from "../../src/io/weight-source.js";

const root = mkdtempSync(join(tmpdir(), "trigscope-shard-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => join(root, `m${counter++}`);

/** Five tensors, 16 + 16 + 8 + 4 + 8 = 52 bytes, in three dtypes. */
function weights(): Record<string, TensorToWrite> {
  return {
    "model.embed_tokens.weight": {
      dtype: "F32",
      shape: [2, 2],
      data: new Float32Array([1, 2, 3, 4]),
    },
    "model.layers.0.mlp.weight": {
      dtype: "F32",
      shape: [4],
      data: new Float32Array([-1, 0, 0.5, 8]),
    },
    // 0x3c00 is 1.0 and 0xc000 is -2.0 in IEEE half; 0x4049 is 3.140625 in bfloat16.
    "model.layers.0.q_proj.weight": {
      dtype: "F16",
      shape: [4],
      data: new Uint16Array([0x3c00, 0xc000, 0, 0x3c00]),
    },
    "model.norm.weight": { dtype: "BF16", shape: [2], data: new Uint16Array([0x3f80, 0x4049]) },
    "lm_head.weight": { dtype: "F32", shape: [2], data: new Float32Array([7, 9]) },
  };
}

function writeIndex(dir: string, weightMap: Record<string, string>): void {
  writeFileSync(join(dir, INDEX_FILE), JSON.stringify({ metadata: {}, weight_map: weightMap }));
}

describe("sharded weights", () => {
  it("names shards as transformers does", () => {
    expect(shardFileName(2, 12)).toBe("model-00002-of-00012.safetensors");
  });

  it("round-trips through shards of at most maxShardBytes, upcast to float32", () => {
    const dir = freshDir();
    const { shards, indexPath } = writeShardedSafetensors(dir, weights(), 20);
    // Name order packs: lm_head (8) + embed (16) > 20, so lm_head | embed | mlp | q_proj + norm.
    expect(shards).toEqual([1, 2, 3, 4].map((i) => shardFileName(i, 4)));
    const index = JSON.parse(readFileSync(indexPath, "utf8"));
    expect(index.metadata.total_size).toBe(52);
    expect(index.weight_map["model.norm.weight"]).toBe(shardFileName(4, 4));
    const loaded = loadWeights(dir);
    expect([...loaded.keys()].sort()).toEqual(Object.keys(weights()).sort());
    expect(Array.from(loaded.get("model.layers.0.q_proj.weight")!.data)).toEqual([1, -2, 0, 1]);
    expect(Array.from(loaded.get("model.norm.weight")!.data)).toEqual([1, 3.140625]);
    expect(loaded.get("model.norm.weight")!.dtype).toBe("BF16");
    expect(loaded.get("model.embed_tokens.weight")!.shape).toEqual([2, 2]);
    expect(Array.from(loaded.get("lm_head.weight")!.data)).toEqual([7, 9]);
  });

  it("loads a single model.safetensors in preference to an index", () => {
    const dir = freshDir();
    writeShardedSafetensors(dir, { x: weights()["lm_head.weight"]! }, 1000);
    writeSafetensors(join(dir, "model.safetensors"), { y: weights()["lm_head.weight"]! });
    expect([...loadWeights(dir).keys()]).toEqual(["y"]);
  });

  it("rejects an index naming a tensor absent from its shard", () => {
    const dir = freshDir();
    const { shards } = writeShardedSafetensors(dir, weights(), 1000);
    const index = JSON.parse(readFileSync(join(dir, INDEX_FILE), "utf8"));
    writeIndex(dir, { ...index.weight_map, "model.layers.1.q_proj.weight": shards[0] });
    const err = captured(() => loadWeights(dir));
    expect(err.tensor).toBe("model.layers.1.q_proj.weight");
    expect(err.file).toBe(join(dir, shards[0]!));
    expect(err.reason).toContain("listed in model.safetensors.index.json but absent");
  });

  it("rejects a shard holding a tensor the index does not list", () => {
    const dir = freshDir();
    const { shards } = writeShardedSafetensors(dir, weights(), 1000);
    const index = JSON.parse(readFileSync(join(dir, INDEX_FILE), "utf8"));
    delete index.weight_map["model.norm.weight"];
    writeIndex(dir, index.weight_map);
    const err = captured(() => loadWeights(dir));
    expect(err.tensor).toBe("model.norm.weight");
    expect(err.file).toBe(join(dir, shards[0]!));
    expect(err.reason).toContain("not listed");
  });

  it("rejects a tensor found in a different shard than the index says", () => {
    const dir = freshDir();
    const { shards } = writeShardedSafetensors(dir, weights(), 20);
    const index = JSON.parse(readFileSync(join(dir, INDEX_FILE), "utf8"));
    index.weight_map["lm_head.weight"] = shards[1];
    writeIndex(dir, index.weight_map);
    const err = captured(() => loadWeights(dir));
    expect(err.tensor).toBe("lm_head.weight");
  });

  it("rejects a missing shard file, a shard path outside the directory, and a bad index", () => {
    const dir = freshDir();
    writeShardedSafetensors(dir, weights(), 1000);
    writeIndex(dir, { "lm_head.weight": "model-00009-of-00009.safetensors" });
    expect(captured(() => loadWeights(dir)).reason).toContain("shard file is missing");
    writeIndex(dir, { "lm_head.weight": "../elsewhere.safetensors" });
    expect(captured(() => loadWeights(dir)).reason).toContain("outside the model directory");
    writeFileSync(join(dir, INDEX_FILE), "{");
    expect(captured(() => loadWeights(dir)).file).toBe(join(dir, INDEX_FILE));
  });

  it("reports a directory without weights as ModelDirError", () => {
    const dir = mkdtempSync(join(root, "empty-"));
    expect(() => loadWeights(dir)).toThrow(ModelDirError);
  });
});

function captured(f: () => unknown): SafetensorsError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(SafetensorsError);
    return err as SafetensorsError;
  }
  throw new Error("expected a SafetensorsError");
}
