/** The tokenizer concept: HF tokenizer files, chat templates and content positions. */
export {
  createTokenizer,
  loadTokenizer,
  TokenizerError,
  type DecodeOptions,
  type EncodeOptions,
  type EncodingWithOffsets,
  type Offset,
  type SpecialToken,
  type Tokenizer,
  type TokenizerSources,
} from "./tokenizer.js";
export {
  ChatTemplateError,
  renderChat,
  renderPrompt,
  renderPromptResponse,
  type CharSpan,
  type ChatMessage,
  type ChatRole,
  type PromptOptions,
  type PromptResponse,
  type RenderChatOptions,
  type RenderedChat,
} from "./chat.js";
export {
  CHAT_TEMPLATES,
  GPT2_CHAT_TEMPLATE,
  LLAMA3_CHAT_TEMPLATE,
  QWEN2_CHAT_TEMPLATE,
  QWEN3_CHAT_TEMPLATE,
  type ChatFamily,
} from "./templates.js";
