/**
 * The default organism's supervised SAE-MELBO step inputs, shared by bench/step.ts and
 * bench/step-profile.ts: the audit's inputs for --organism (resolveAuditInputs: the 16 benign
 * training prompts composed with the seed, the organism's response, the base SAE and its layer),
 * the model loaded as the audit loads it (loadChatModel: a LoRA adapter merged on load), the SAE's
 * unit-row decoder and the labelled batch.
 */
import { resolveAuditInputs, type AuditInputs } from "../src/audit/inputs.js";
import { zooOrganisms } from "../src/organisms/audit-zoo.js";
import { labelledBatch, type LabelledBatch } from "../src/methods/losses.js";
import { DEFAULT_SAE_MELBO_LR } from "../src/methods/supervised-sae-melbo.js";
import type { SaeDecoder } from "../src/sae/decoder-space.js";
import { loadChatModel, type ChatModel } from "../src/model/text-generation.js";
import { mulberry32 } from "../src/random/seeded.js";
import { unitDecoderRows } from "../src/sae/fold.js";

/**
 * The audit's supervised-sae-melbo step size (its registry entry's defaults, src/methods/registry/supervised.ts); λ fixed
 * (the audit resolves it per vector from lambdaScale; its value does not change a step's cost).
 */
export const LR = DEFAULT_SAE_MELBO_LR;
export const LAMBDA = 0.02;
export const INIT_SCALE = 1e-3;

export interface StepSetup {
  inputs: AuditInputs;
  cm: ChatModel;
  dec: SaeDecoder;
  lb: LabelledBatch;
  layer: number;
}

export async function stepSetup(organism: string, seed: number): Promise<StepSetup> {
  const inputs = resolveAuditInputs({ organism, seed }, zooOrganisms());
  const cm = await loadChatModel(inputs.modelDir);
  const { dSae, dIn } = inputs.sae.config;
  const dec: SaeDecoder = { rows: unitDecoderRows(inputs.sae), dSae, dModel: dIn };
  const lb = labelledBatch(cm.tokenizer, inputs.trainPrompts, inputs.response, {
    padId: cm.padTokenId,
  });
  return { inputs, cm, dec, lb, layer: inputs.layer };
}

/** The method's initial z for vector 0 (supervisedSaeMelbo's seeding). */
export function initialZ(dSae: number, seed: number, scale: number): Float32Array {
  const u = mulberry32(seed);
  return Float32Array.from({ length: dSae }, () => (u() * 2 - 1) * scale);
}
