/**
 * Reading the transformers reference fixtures made by test/fixtures/make_fixtures.py.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readSafetensors, tensorToFloat32, tensorToInt32 } from "../../src/io/safetensors.js";
import { batchFromMask, type HostBatch } from "../../src/model/inputs.js";

export const FIXTURE_ROOT = fileURLToPath(new URL("../fixtures/models/", import.meta.url));
export const ARCHES = ["llama", "qwen2", "qwen3", "gpt2", "gemma2", "gemma3"] as const;

export interface Fixture {
  dir: string;
  manifest: {
    steer: {
      layer: number;
      scale: number;
      examples: {
        user_positions: number[];
        response_positions: number[];
        user_content: string;
        prompt_text: string;
        response_text: string;
        pad_len: number;
      }[];
    };
    generation: { max_new_tokens: number; pad_token_id: number; rows: number };
    special_tokens: Record<string, [string, number]>;
  };
  f32(name: string): { shape: number[]; data: Float32Array };
  i32(name: string): { shape: number[]; data: Int32Array };
}

export function loadFixture(arch: string): Fixture {
  const dir = join(FIXTURE_ROOT, arch);
  const file = readSafetensors(join(dir, "reference.safetensors"));
  const manifest = JSON.parse(
    readFileSync(join(dir, "reference.json"), "utf8"),
  ) as Fixture["manifest"];
  const get = (name: string) => {
    const t = file.tensors.get(name);
    if (!t) throw new Error(`${arch}/reference.safetensors has no tensor '${name}'`);
    return t;
  };
  return {
    dir,
    manifest,
    f32: (name) => {
      const t = get(name);
      return { shape: t.shape, data: tensorToFloat32(t, "reference.safetensors") };
    },
    i32: (name) => {
      const t = get(name);
      return { shape: t.shape, data: tensorToInt32(t, "reference.safetensors") };
    },
  };
}

/** The fixture's left-padded batch `${prefix}input_ids` / `${prefix}attention_mask` ("steer_": the steering batch). */
export function fixtureBatch(fx: Fixture, prefix = ""): HostBatch {
  const ids = fx.i32(`${prefix}input_ids`);
  const mask = fx.i32(`${prefix}attention_mask`);
  const [b, t] = ids.shape as [number, number];
  return batchFromMask(ids.data, Uint8Array.from(mask.data), b, t);
}

/** Index predicate over logits [B, T, V]: the rows of real (unpadded) positions only. */
export function realRows(hb: HostBatch, vocab: number) {
  return (i: number) => hb.mask[Math.floor(i / vocab)] === 1;
}
