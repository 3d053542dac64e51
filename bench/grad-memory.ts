/**
 * `npm run bench:grad-memory`: device memory of one steering gradient (the step of SAE-Attribution
 * and of every supervised method) beyond the weights, on random Llama-shaped models, counted by
 * the engine's own allocator (live-buffers.ts `liveByteCounter`: bytes of live device arrays,
 * wasm backend). It says how that memory grows with the tokens of the batch and with the number of
 * layers after the steered one — what decides whether an audit fits a GPU before spending GPU
 * time on it. (WebGPU also pools freed buffers of ≤ 64 MiB, up to 64 per size, so a GPU holds more
 * than these live bytes.)
 *
 *   npm run bench:grad-memory -- [--json FILE]     writes bench/results/grad-memory-wasm.json
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { initEngine } from "../src/engine/device.js";
import { liveByteCounter } from "../src/engine/live-buffers.js";
import { steeringLossAndGrad } from "../src/model/loss.js";
import { modelFromTensors } from "../src/model/model.js";
import type { HostBatch } from "../src/model/inputs.js";
import { randomTensors, tinyConfig } from "../test/model/random-model.js";

const D = 512;
const F = 2048;
const V = 4096;
const LAYERS = 8;
const RESPONSE = 8;

interface Case {
  batch: number;
  seqLen: number;
  layer: number;
}
const CASES: Case[] = [
  { batch: 4, seqLen: 32, layer: 3 },
  { batch: 16, seqLen: 64, layer: 3 },
  { batch: 16, seqLen: 64, layer: 5 },
  { batch: 32, seqLen: 64, layer: 3 },
];

function hostBatch(b: number, t: number): HostBatch {
  return {
    batch: b,
    seqLen: t,
    ids: Int32Array.from({ length: b * t }, (_, i) => (i * 7919) % V),
    mask: new Uint8Array(b * t).fill(1),
    positions: Int32Array.from({ length: b * t }, (_, i) => i % t),
    pads: new Array<number>(b).fill(0),
  };
}

/** 1 on each row's last RESPONSE positions (response) or on all before them but 2 (user). */
function rowMask<T extends Uint8Array | Float32Array>(
  out: T,
  b: number,
  t: number,
  response: boolean,
): T {
  for (let i = 0; i < b; i++)
    for (let j = 0; j < t; j++) {
      const isResponse = j >= t - RESPONSE;
      if (response ? isResponse : j < t - RESPONSE - 2) out[i * t + j] = 1;
    }
  return out;
}

const mib = (x: number) => +(x / 2 ** 20).toFixed(1);

async function main() {
  const args = process.argv.slice(2);
  const out = args.includes("--json")
    ? args[args.indexOf("--json") + 1]!
    : "bench/results/grad-memory-wasm.json";
  await initEngine("wasm");
  const counter = await liveByteCounter("wasm");
  const cfg = tinyConfig("llama", {
    vocabSize: V,
    dModel: D,
    nLayers: LAYERS,
    nHeads: D / 64,
    nKvHeads: D / 128,
    dHead: 64,
    dMlp: F,
  });
  const before = counter.bytes();
  const model = modelFromTensors(cfg, randomTensors(cfg, 1, 0.05), "random");
  const weights = counter.bytes() - before;
  const rows = [];
  for (const c of CASES) {
    const { batch: b, seqLen: t } = c;
    const held = counter.bytes();
    counter.resetPeak();
    const t0 = performance.now();
    await steeringLossAndGrad(
      model,
      { batch: hostBatch(b, t), responseMask: rowMask(new Uint8Array(b * t), b, t, true) },
      {
        layer: c.layer,
        vector: new Float32Array(D),
        positionMask: rowMask(new Float32Array(b * t), b, t, false),
        scale: 1,
      },
    );
    const row = {
      ...c,
      tokens: b * t,
      layersAfter: LAYERS - 1 - c.layer,
      peakExtraMiB: mib(counter.peak() - held),
      keptAfterMiB: mib(counter.bytes() - held),
      seconds: +((performance.now() - t0) / 1000).toFixed(2),
    };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  model.dispose();
  const result = {
    note: "npm run bench:grad-memory: device bytes (live arrays, wasm) of one steering gradient beyond the weights; random Llama-shaped model; peakExtra = most held during the call, keptAfter = still held after it (compiled programs' constants and caches)",
    model: { dModel: D, dMlp: F, vocab: V, layers: LAYERS, weightsMiB: mib(weights) },
    rows,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  console.log(`wrote ${out}`);
}

await main();
