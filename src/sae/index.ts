/**
 * Sparse autoencoders: formats (SAELens, Llama Scope, GemmaScope), finding them in a folder,
 * encode/decode, metrics and splicing.
 */
export * from "./types.js";
export {
  readSaelens,
  writeSaelens,
  parseSaelensConfig,
  SAELENS_CFG,
  SAELENS_WEIGHTS,
} from "./saelens.js";
export {
  readLlamaScope,
  parseLlamaScopeConfig,
  LLAMASCOPE_HYPERPARAMS,
  LLAMASCOPE_WEIGHTS,
  type LlamaScopeOptions,
} from "./llamascope.js";
export {
  decodeCode,
  encodeGradient,
  randomCode,
  topLatentsByZ,
  type SaeDecoder,
} from "./decoder-space.js";
export { foldActivationScale, foldDecoderNorms, decoderNorms, unitDecoderRows } from "./fold.js";
export {
  readGemmaScope,
  readGemmaScopeWeights,
  publishedHook,
  GEMMASCOPE_PARAMS,
  type GemmaScopeOptions,
} from "./gemmascope.js";
export { loadSae, detectSaeFormat, checkSaeForModel, type LoadSaeOptions } from "./load.js";
export {
  findSaes,
  type FoundSae,
  type BrokenSae,
  type SaeListing,
  type FindSaesOptions,
} from "./discover.js";
export {
  saeToDevice,
  encodePre,
  activate,
  encode,
  decode,
  reconstruct,
  encodeHost,
  type DeviceSae,
} from "./encode.js";
export {
  reconstructionError,
  explainedVariance,
  latentStats,
  saeMetrics,
  spliceHook,
  spliceCrossEntropy,
  nextTokenCrossEntropy,
  DENSE_FRACTION,
  type LatentStats,
  type SaeMetrics,
  type SpliceOptions,
  type SpliceResult,
} from "./metrics.js";
export { ActivationBuffer, ActivationStream, type ActivationSource } from "./activation-buffer.js";
export { trainTopK, type TopKTrainOptions, type TopKTrainResult } from "./train-topk.js";
export { trainSae, type SaeTrainOptions } from "./train.js";
export * from "./labels.js";
export * from "./neuronpedia.js";
export * from "./neuronpedia-export.js";
export * from "./neuronpedia-labels.js";
export * from "./label-latents.js";
export { evaluateSae, type SaeEvaluation, type EvaluateSaeOptions } from "./evaluate.js";
