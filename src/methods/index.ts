/** Trigger reconstruction methods (SAE-Attribution, the supervised and unsupervised MELBO families) and their shared parts. */
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
  DEFAULT_SAE_MELBO_LR,
  type SupervisedSaeMelboOptions,
  type FoundCode,
} from "./supervised-sae-melbo.js";
export {
  proxGradL1,
  softThreshold,
  type ProxGradOptions,
  type ProxGradResult,
} from "./proximal.js";
export { saeAttribution, type AttributionResult } from "./attribution.js";
export {
  promptBatch,
  type PromptBatch,
  type PromptBatchOptions,
  type LossPositions,
} from "./prompt-batch.js";
export {
  unsupervisedMelbo,
  defaultTargetLayer,
  type MelboOptions,
  type MelboSettings,
  type MelboVector,
} from "./melbo.js";
export {
  unsupervisedSaeMelbo,
  saeDirection,
  type SaeMelboOptions,
  type SaeMelboCode,
} from "./sae-melbo.js";
export {
  calibrateR,
  CalibrationError,
  type CalibrateOptions,
  type CalibrationResult,
} from "./calibrate.js";
