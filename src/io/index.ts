/** The io concept: safetensors, sharded weights, config.json, model directories, vectors. */
export { ConfigError, ModelDirError, SafetensorsError } from "./errors.js";
export { writeFileAtomic, writeJsonAtomic } from "./atomic.js";
export {
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  tensorToFloat32,
  tensorToInt32,
  writeSafetensors,
  type Dtype,
  type SafetensorsFile,
  type TensorInfo,
} from "./safetensors.js";
export { readShardIndex, writeShardedSafetensors, type WeightTensor } from "./sharded.js";
export {
  loadWeights,
  openWeightSource,
  type WeightEntry,
  type WeightSource,
} from "./weight-source.js";
export { parseModelConfig, readModelConfig } from "./config.js";
export { resolveModelDir, type ModelDir } from "./model-dir.js";
export { readGenerationDefaults, type GenerationDefaults } from "./generation-config.js";
export { pickVector, readVectors, writeVectors, type VectorSet } from "./vectors.js";
export {
  isAdapterDir,
  readPeftAdapter,
  writePeftAdapter,
  type PeftAdapter,
  type PeftAdapterToWrite,
} from "./peft.js";
export {
  findModelDir,
  modelRefAt,
  ModelNotFoundError,
  resolveModelRef,
  type ModelRef,
} from "./model-ref.js";
export {
  openZoo,
  readZooManifest,
  zooDir,
  type Zoo,
  type ZooEntry,
  type ZooManifest,
} from "./zoo-manifest.js";
