/**
 * Helpers for the SAE tests: the PyTorch reference fixture, temp dirs, in-memory SAEs and a SAE
 * written as a GemmaScope params.npz.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { zipSync } from "fflate";
import { dump } from "npyjs";
import { readSafetensors, tensorToFloat32 } from "../../src/io/safetensors.js";
import type { HostTensor, Sae, SaeConfig } from "../../src/sae/types.js";
import { normalSampler } from "../model/random-model.js";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "sae");
export const fixtureSae = (name: string): string => join(FIXTURES, "saes", name);

/** Tensors of test/fixtures/sae/reference.safetensors (made by make_sae_fixtures.py). */
export function referenceTensors(): Map<string, HostTensor> {
  const st = readSafetensors(join(FIXTURES, "reference.safetensors"));
  const out = new Map<string, HostTensor>();
  for (const [name, info] of st.tensors) {
    out.set(name, { shape: info.shape, data: Float32Array.from(tensorToFloat32(info, name)) });
  }
  return out;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "trigscope-sae-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Largest |a − b| and its index. */
export function maxDiff(a: Float32Array, b: Float32Array): { diff: number; at: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= diff)) {
      diff = d;
      at = i;
    }
  }
  return { diff, at };
}

/** A random in-memory SAE (seeded normal weights). */
export function randomSae(over: Partial<SaeConfig> & { dIn: number; dSae: number }, seed = 3): Sae {
  const sample = normalSampler(seed);
  const { dIn, dSae } = over;
  const t = (shape: number[], std: number): HostTensor => ({
    shape,
    data: new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => std * sample()),
  });
  const config: SaeConfig = {
    architecture: "standard",
    hookName: "blocks.0.hook_resid_post",
    applyBDecToInput: false,
    normalizeActivations: "none",
    activationScale: 1,
    format: "saelens",
    ...over,
  };
  const weights: Sae["weights"] = {
    wEnc: t([dIn, dSae], 1 / Math.sqrt(dIn)),
    wDec: t([dSae, dIn], 1 / Math.sqrt(dIn)),
    bEnc: t([dSae], 0.1),
    bDec: t([dIn], 0.1),
  };
  if (config.architecture === "jumprelu") {
    weights.threshold = { shape: [dSae], data: new Float32Array(dSae).fill(0.2) };
  }
  return { config, weights, source: "random" };
}

/**
 * Writes a jumprelu SAE's weights as GemmaScope does (params.npz: W_enc, W_dec, b_enc, b_dec,
 * threshold as float32 .npy files in a zip), creating the folders above `file`.
 */
export function writeGemmaScopeNpz(file: string, sae: Sae): void {
  const w = sae.weights;
  if (!w.threshold) throw new Error("writeGemmaScopeNpz: the SAE has no thresholds");
  const npy = (t: HostTensor) => new Uint8Array(dump(t.data, t.shape));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    zipSync({
      "W_enc.npy": npy(w.wEnc),
      "W_dec.npy": npy(w.wDec),
      "b_enc.npy": npy(w.bEnc),
      "b_dec.npy": npy(w.bDec),
      "threshold.npy": npy(w.threshold),
    }),
  );
}
