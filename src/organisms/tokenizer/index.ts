/** The organisms' tokenizer: byte-level BPE training, its HF tokenizer files and chat format. */
export {
  createBpeEncoder,
  GPT2_PRETOKENIZER_PATTERN,
  specialTokenSplitter,
  trainBpe,
  type BpeOptions,
  type TrainedBpe,
} from "./bpe-train.js";
export { ORGANISM_CHAT, ORGANISM_SPECIAL_TOKENS, type ChatFormat } from "./chat-format.js";
export {
  tokenizerConfig,
  tokenizerJsonText,
  writeTokenizerFiles,
  type TokenizerFilesOptions,
} from "./tokenizer-files.js";
