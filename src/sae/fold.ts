/**
 * Function-preserving rewrites of a SAE's weights: folding the activation scale s into them, and
 * folding the decoder row norms into the encoder (so decoder rows are unit-norm). Also the
 * unit-normalised decoder rows that cosines must always use.
 */
import { SaeError, type HostTensor, type Sae } from "./types.js";

function copy(t: HostTensor): HostTensor {
  return { shape: [...t.shape], data: Float32Array.from(t.data) };
}

/**
 * The same function with s = 1: W_enc·s, W_dec/s, b_dec/s (b_enc and thresholds unchanged, as
 * (s·x − b_dec)·W_enc = (x − b_dec/s)·(s·W_enc)).
 */
export function foldActivationScale(sae: Sae): Sae {
  const s = sae.config.activationScale;
  const w = sae.weights;
  const wEnc = copy(w.wEnc);
  const wDec = copy(w.wDec);
  const bDec = copy(w.bDec);
  for (let i = 0; i < wEnc.data.length; i++) wEnc.data[i] = wEnc.data[i]! * s;
  for (let i = 0; i < wDec.data.length; i++) wDec.data[i] = wDec.data[i]! / s;
  for (let i = 0; i < bDec.data.length; i++) bDec.data[i] = bDec.data[i]! / s;
  const weights: Sae["weights"] = { wEnc, wDec, bEnc: copy(w.bEnc), bDec };
  if (w.threshold) weights.threshold = copy(w.threshold);
  return {
    config: { ...sae.config, activationScale: 1, normalizeActivations: "none" },
    weights,
    source: sae.source,
  };
}

/** Euclidean norm of each decoder row ([dSae]). */
export function decoderNorms(sae: Sae): Float32Array {
  const { dSae, dIn } = sae.config;
  const w = sae.weights.wDec.data;
  const out = new Float32Array(dSae);
  for (let i = 0; i < dSae; i++) {
    let ss = 0;
    for (let j = 0; j < dIn; j++) ss += w[i * dIn + j]! ** 2;
    out[i] = Math.sqrt(ss);
  }
  return out;
}

/** Decoder rows scaled to unit norm ([dSae, dIn]; all-zero rows stay zero). Use for cosines. */
export function unitDecoderRows(sae: Sae): Float32Array {
  const { dSae, dIn } = sae.config;
  const norms = decoderNorms(sae);
  const out = Float32Array.from(sae.weights.wDec.data);
  for (let i = 0; i < dSae; i++) {
    const n = norms[i]!;
    if (n === 0) continue;
    for (let j = 0; j < dIn; j++) out[i * dIn + j] = out[i * dIn + j]! / n;
  }
  return out;
}

/**
 * The same function with unit-norm decoder rows: latent i's encoder column, b_enc and threshold
 * are multiplied by its decoder norm n_i, its decoder row divided by it (relu(n·pre)·[n·pre > n·θ]
 * = n·relu(pre)·[pre > θ] for n > 0). TopK SAEs are refused: rescaling latents changes which k
 * are largest.
 */
export function foldDecoderNorms(sae: Sae): Sae {
  if (sae.config.architecture === "topk") {
    throw new SaeError(
      sae.source,
      "W_dec",
      "cannot fold decoder norms of a topk SAE (changes the top k)",
    );
  }
  const { dSae, dIn } = sae.config;
  const norms = decoderNorms(sae);
  const w = sae.weights;
  const wEnc = copy(w.wEnc);
  const bEnc = copy(w.bEnc);
  const threshold = w.threshold ? copy(w.threshold) : undefined;
  for (let i = 0; i < dSae; i++) {
    const n = norms[i]!;
    if (n === 0) continue;
    for (let j = 0; j < dIn; j++) wEnc.data[j * dSae + i] = wEnc.data[j * dSae + i]! * n;
    bEnc.data[i] = bEnc.data[i]! * n;
    if (threshold) threshold.data[i] = threshold.data[i]! * n;
  }
  const weights: Sae["weights"] = {
    wEnc,
    wDec: { shape: [dSae, dIn], data: unitDecoderRows(sae) },
    bEnc,
    bDec: copy(w.bDec),
  };
  if (threshold) weights.threshold = threshold;
  return { config: { ...sae.config }, weights, source: sae.source };
}
