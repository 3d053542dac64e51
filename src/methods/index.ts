/** Trigger reconstruction methods (so far: SAE-Attribution and the supervised MELBO family) and their shared parts. */
export {
  labelledBatch,
  actionLossAndGrad,
  MethodInputError,
  type LabelledBatch,
} from "./losses.js";
export { OrthogonalBasis, dot, norm } from "./orthogonal.js";
export { HostAdam, type AdamOptions } from "./adam.js";
export {
  supervisedMelbo,
  type SupervisedMelboOptions,
  type FoundVector,
} from "./supervised-melbo.js";
export {
  supervisedSaeMelbo,
  decodeCode,
  encodeGradient,
  type SaeDecoder,
  type SupervisedSaeMelboOptions,
  type FoundCode,
} from "./supervised-sae-melbo.js";
export { saeAttribution, type AttributionResult } from "./attribution.js";
