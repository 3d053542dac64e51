/**
 * A latent's activation histogram for the Latents page. The label file keeps each latent's top
 * contexts only; this runs the SAE's model (the folder holding the SAE, as the zoo lays it out)
 * over a fixed corpus — the label file's contexts of every latent, markers removed, a deterministic
 * subset — encodes each token with the SAE, and keeps every latent's nonzero activations. Done
 * once per SAE on first request (a few seconds on wasm), then binned per latent.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { initEngine } from "../engine/device.js";
import { leftPad } from "../model/inputs.js";
import { loadModel } from "../model/model.js";
import { runWithCache } from "../model/run.js";
import { encodeHost, saeToDevice } from "../sae/encode.js";
import type { LabelFile } from "../sae/labels.js";
import { loadSae } from "../sae/load.js";
import { loadTokenizer } from "../tokenizer/tokenizer.js";
import { labelFile } from "./resources.js";
import type { HistogramResponse, SaeSummary } from "./types.js";

const MAX_TEXTS = 256;
const BATCH = 32;
const SEQ = 48;
const BINS = 24;

interface Activations {
  tokens: number;
  /** Latent → its nonzero activations over the corpus tokens. */
  values: Map<number, number[]>;
}

const cache = new Map<string, Promise<Activations | null>>();

/** The corpus: every latent's contexts, «» markers removed, deduplicated, evenly subsampled. */
export function histogramTexts(file: LabelFile): string[] {
  const all = [
    ...new Set(file.latents.flatMap((l) => l.topContexts.map((c) => c.text.replace(/[«»]/g, "")))),
  ];
  const step = Math.max(1, all.length / MAX_TEXTS);
  return Array.from(
    { length: Math.min(MAX_TEXTS, all.length) },
    (_, i) => all[Math.floor(i * step)]!,
  );
}

async function collect(sae: SaeSummary, file: LabelFile): Promise<Activations | null> {
  const modelDir = sae.saeDir ? dirname(sae.saeDir) : null;
  if (!sae.saeDir || !modelDir || !existsSync(join(modelDir, "config.json"))) return null;
  await initEngine("wasm");
  const s = loadSae(sae.saeDir);
  const model = loadModel(modelDir);
  const tokenizer = await loadTokenizer(modelDir);
  const dsae = saeToDevice(s);
  const values = new Map<number, number[]>();
  let tokens = 0;
  try {
    const texts = histogramTexts(file);
    for (let start = 0; start < texts.length; start += BATCH) {
      const seqs = texts
        .slice(start, start + BATCH)
        .map((t) => tokenizer.encode(t, { addSpecialTokens: true }).slice(0, SEQ));
      const batch = leftPad(seqs, 0, SEQ);
      const r = await runWithCache(model, batch, { capture: [s.config.hookName], logits: false });
      const h = r.cache[s.config.hookName]!.data;
      const d = s.config.dIn;
      const rows: number[] = [];
      seqs.forEach((q, b) => {
        for (let j = 1; j < q.length; j++) rows.push((b * batch.seqLen + batch.pads[b]! + j) * d);
      });
      const x = new Float32Array(rows.length * d);
      rows.forEach((src, i) => x.set(h.subarray(src, src + d), i * d));
      const { features } = await encodeHost(dsae, { shape: [rows.length, d], data: x });
      const m = s.config.dSae;
      for (let i = 0; i < rows.length; i++) {
        for (let q = 0; q < m; q++) {
          const v = features.data[i * m + q]!;
          if (v > 0) (values.get(q) ?? values.set(q, []).get(q)!).push(v);
        }
      }
      tokens += rows.length;
    }
  } finally {
    dsae.dispose();
    model.dispose();
  }
  return { tokens, values };
}

/** Equal-width bins from 0 to the largest activation seen (null when the SAE's model is absent). */
export async function latentHistogram(sae: SaeSummary, index: number): Promise<HistogramResponse> {
  let p = cache.get(sae.labelsFile);
  if (!p) {
    p = collect(sae, labelFile(sae));
    cache.set(sae.labelsFile, p);
  }
  const acts = await p;
  if (!acts) return null;
  const v = acts.values.get(index) ?? [];
  const hi = v.length ? Math.max(...v) : 1;
  const counts = new Array<number>(BINS).fill(0);
  for (const x of v) counts[Math.min(BINS - 1, Math.floor((x / hi) * BINS))]!++;
  const edges = Array.from({ length: BINS + 1 }, (_, i) => (i * hi) / BINS);
  return { edges, counts, tokens: acts.tokens, nonzero: v.length };
}
