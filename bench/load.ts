/**
 * `npm run bench:load`: the host side of a streamed checkpoint load — reading each bf16 tensor,
 * upcasting it to float32 and transposing the linear weights — with fresh arrays per tensor (as
 * before io/host-pool.ts) and with one layer's arrays reused by the next (as the loader does now).
 * No device: this is the part of an 8B load that runs in JavaScript. A random Llama-shaped bf16
 * checkpoint (d 2048, MLP 8192, 4 layers, sharded) is written to a temporary folder once; the
 * two ways run interleaved, `--reps` times each.
 *
 *   npm run bench:load -- [--reps 3] [--json FILE]
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HostPool, withHostPool } from "../src/io/host-pool.js";
import { writeShardedSafetensors } from "../src/io/sharded.js";
import { openWeightSource } from "../src/io/weight-source.js";
import { transposeHost } from "../src/model/params.js";

const D = 2048;
const F = 8192;
const LAYERS = 4;
const V = 32000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** bf16 bits of small values around ±1/64, cheap to make (the values do not matter here). */
function bf16(n: number, seed: number): Uint16Array {
  const a = new Uint16Array(n);
  for (let i = 0; i < n; i++) a[i] = 0x3c00 + (((i + seed) * 2654435761) >>> 24) + ((i & 1) << 15);
  return a;
}

function writeCheckpoint(dir: string) {
  const t: Record<string, { dtype: "BF16"; shape: number[]; data: Uint16Array }> = {};
  const add = (name: string, shape: number[]) =>
    (t[name] = {
      dtype: "BF16",
      shape,
      data: bf16(
        shape.reduce((x, y) => x * y),
        name.length,
      ),
    });
  add("model.embed_tokens.weight", [V, D]);
  add("lm_head.weight", [V, D]);
  add("model.norm.weight", [D]);
  for (let l = 0; l < LAYERS; l++) {
    const p = `model.layers.${l}`;
    for (const n of ["q_proj", "k_proj", "v_proj", "o_proj"])
      add(`${p}.self_attn.${n}.weight`, [D, D]);
    add(`${p}.mlp.gate_proj.weight`, [F, D]);
    add(`${p}.mlp.up_proj.weight`, [F, D]);
    add(`${p}.mlp.down_proj.weight`, [D, F]);
    add(`${p}.input_layernorm.weight`, [D]);
    add(`${p}.post_attention_layernorm.weight`, [D]);
  }
  mkdirSync(dir, { recursive: true });
  writeShardedSafetensors(dir, t, 256_000_000);
}

/** Reads every layer tensor (upcast) and transposes the matrices; seconds. */
function hostLoad(dir: string, pooled: boolean): number {
  const src = openWeightSource(dir);
  const pool = new HostPool();
  const t0 = performance.now();
  for (let l = 0; l < LAYERS; l++) {
    const names = [...src.entries.keys()].filter((n) => n.startsWith(`model.layers.${l}.`));
    const layer = () => {
      for (const n of names) {
        const x = src.read(n);
        if (x.shape.length === 2) transposeHost(x);
      }
    };
    if (pooled) {
      withHostPool(pool, layer);
      pool.recycle();
    } else layer();
  }
  return (performance.now() - t0) / 1000;
}

const dir = join(tmpdir(), `trigscope-bench-load-d${D}-l${LAYERS}`);
if (!existsSync(join(dir, "model.safetensors.index.json"))) writeCheckpoint(dir);
const params = LAYERS * (4 * D * D + 3 * D * F);
const reps = Number(arg("reps", "3"));
const fresh: number[] = [];
const pooled: number[] = [];
for (let r = 0; r < reps; r++) {
  fresh.push(hostLoad(dir, false));
  pooled.push(hostLoad(dir, true));
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const rate = (s: number) => +(params / s / 1e6).toFixed(1);
const result = {
  note: "host side of a streamed load (bf16 read, float32 upcast, transposes), interleaved runs",
  layerParams: params,
  freshSeconds: fresh.map((s) => +s.toFixed(2)),
  pooledSeconds: pooled.map((s) => +s.toFixed(2)),
  freshMParamsPerS: rate(median(fresh)),
  pooledMParamsPerS: rate(median(pooled)),
  speedup: +(median(fresh) / median(pooled)).toFixed(2),
};
console.log(JSON.stringify(result, null, 1));
const out = arg("json", "");
if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 1) + "\n");
}
