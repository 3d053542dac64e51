/**
 * The parameters a gradient program differentiates, split from those it only reads.
 *
 * The steering gradient differentiates with respect to the parameters too and drops those
 * gradients: it keeps jax-js from fusing the softmax backward into the unembedding matmul, which
 * made the vector-only step several times slower (src/engine/NOTES.md). Differentiating the whole
 * tree, though, also gave a gradient — zeros, but allocated — for every layer before the steered
 * one and for an untied embedding, which the loss never reads. At Llama-3.1-8B size, steering at
 * layer 16, that is ~16 GiB of float32 for nothing, and SAE-Attribution ran the 139 GiB of an H200
 * out of memory (2026-12-05). Only the layers after the steered one, the final norm and the
 * unembedding (the embedding when tied to it) are differentiated now; the rest is passed through.
 *
 * On WebGPU the parameter gradients are not taken at all: there the fusion costs nothing (the
 * vector-only step was the faster one, 851 ms vs 973 ms, src/engine/NOTES.md) and at 8B size the
 * later layers' weight gradients alone are ~15 GiB of device memory.
 */
import type { LayerParams, ModelParams, NormParams } from "./params.js";

/** Whether a steering gradient also differentiates the later parameters (see above). */
export function differentiateParams(device: string): boolean {
  return device !== "webgpu";
}

/** What the loss after `layer` reads, and is differentiated with respect to. */
export interface LaterParams {
  /** Layers layer+1 … L−1. */
  layers: LayerParams[];
  lnFinal: NormParams;
  unembed?: ModelParams["unembed"];
  /** Only when the unembedding is tied to it. */
  embed?: ModelParams["embed"];
}

/** What the loss does not read: the earlier layers and an untied embedding (not differentiated). */
export interface EarlierParams {
  layers: LayerParams[];
  embed?: ModelParams["embed"];
  posEmbed?: ModelParams["posEmbed"];
}

/** Splits `params` at `layer`: layers ≤ layer (and what feeds them) go to `earlier`. */
export function splitAfterLayer(
  params: ModelParams,
  layer: number,
): { later: LaterParams; earlier: EarlierParams } {
  const tied = params.unembed === undefined;
  const later: LaterParams = { layers: params.layers.slice(layer + 1), lnFinal: params.lnFinal };
  const earlier: EarlierParams = { layers: params.layers.slice(0, layer + 1) };
  if (tied) later.embed = params.embed;
  else {
    later.unembed = params.unembed;
    earlier.embed = params.embed;
  }
  if (params.posEmbed) earlier.posEmbed = params.posEmbed;
  return { later, earlier };
}

/** The whole tree again (inside a traced function: the same arrays, no copies). */
export function joinAtLayer(later: LaterParams, earlier: EarlierParams): ModelParams {
  const params: ModelParams = {
    embed: (later.embed ?? earlier.embed)!,
    layers: [...earlier.layers, ...later.layers],
    lnFinal: later.lnFinal,
  };
  if (later.unembed) params.unembed = later.unembed;
  if (earlier.posEmbed) params.posEmbed = earlier.posEmbed;
  return params;
}
