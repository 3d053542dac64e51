/**
 * What an architecture contributes: the tensors it expects in the checkpoint (name → shape), the
 * names it may safely ignore, and how to turn the checked host tensors into the parameter tree —
 * layer by layer, so a streamed load holds one layer's tensors on the host at a time.
 */
import type { ModelConfig } from "../config.js";
import type { HostTensor } from "../params.js";

/** A host-side parameter tree (same keys as ModelParams, host tensors at the leaves). */
export type HostLayer = Record<string, HostTensor | { w: HostTensor; b?: HostTensor }>;
export type HostParams = {
  embed: HostTensor;
  posEmbed?: HostTensor;
  layers: HostLayer[];
  lnFinal: { w: HostTensor; b?: HostTensor };
  /** lm_head [V, D] left transposed (params.ts `transposeLater`): the unembedding [D, V]. */
  unembed?: HostTensor;
};

export interface ArchSpec {
  /** Every tensor the checkpoint must hold, with its HF shape. */
  expected(config: ModelConfig, names: ReadonlySet<string>): Map<string, number[]>;
  /** Names present in some checkpoints that carry no parameters (buffers, duplicates of ties). */
  ignorable(config: ModelConfig, name: string): boolean;
  /** Builds everything but the layers (embeddings, final norm, unembedding). */
  buildTop(
    config: ModelConfig,
    get: (name: string) => HostTensor,
    names: ReadonlySet<string>,
  ): Omit<HostParams, "layers">;
  /** Builds layer `i` from the checked tensors. */
  buildLayer(
    config: ModelConfig,
    i: number,
    get: (name: string) => HostTensor,
    names: ReadonlySet<string>,
  ): HostLayer;
}

/** The whole host parameter tree. */
export function buildHostParams(
  spec: ArchSpec,
  config: ModelConfig,
  get: (name: string) => HostTensor,
  names: ReadonlySet<string>,
): HostParams {
  const layers = Array.from({ length: config.nLayers }, (_, i) =>
    spec.buildLayer(config, i, get, names),
  );
  return { ...spec.buildTop(config, get, names), layers };
}
