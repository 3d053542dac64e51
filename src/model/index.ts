/** The model concept: loading, forward with hooks, steering, loss and gradient, generation. */
export type { Activation, Architecture, ModelConfig, RopeScaling } from "./config.js";
export { loadModel, modelFromTensors, type Model } from "./model.js";
export { WeightMismatchError } from "./weights.js";
export {
  allHookNames,
  blockHook,
  BLOCK_HOOK_KINDS,
  HookNameError,
  parseHookName,
  residPost,
  type BlockHookKind,
  type HookName,
  type ParsedHook,
} from "./hooks.js";
export { batchFromMask, bucketLength, leftPad, type HostBatch } from "./inputs.js";
export {
  forward,
  type ForwardInputs,
  type ForwardOptions,
  type ForwardResult,
  type HookFn,
} from "./forward.js";
export {
  runWithCache,
  runWithHooks,
  toHost,
  type HostTensor,
  type RunOptions,
  type RunResult,
} from "./run.js";
export { checkSteering, SteeringError, type Steering } from "./steering.js";
export {
  LossInputError,
  residAfter,
  responseNll,
  responseSelection,
  steeringLossAndGrad,
  type SteeringLossResult,
  type TeacherForcedBatch,
} from "./loss.js";
export {
  generate,
  GenerateError,
  type FinishReason,
  type GenerateOptions,
  type Generation,
} from "./generate.js";
export { pickToken, seededUniform, type SamplingOptions } from "./sampling.js";
export {
  encodePrompts,
  generateText,
  loadChatModel,
  type ChatModel,
  type TextGeneration,
  type TextGenerationOptions,
} from "./text-generation.js";
export { describeModel, type ModelInfo } from "./info.js";
export {
  applyLora,
  defaultLoraConfig,
  initLora,
  LoraError,
  loraFromHost,
  loraToHost,
  LORA_TARGETS,
  type LoraConfig,
  type LoraParams,
  type LoraTarget,
} from "./lora.js";
export { mergeLoraHost } from "./lora-merge.js";
export { paramsToHfTensors, writeModelDir } from "./export.js";
export { tokenizerDir, type LoadModelOptions } from "./model.js";
