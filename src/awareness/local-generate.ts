/**
 * trigscope's own models as a generate function (GenerateFn): the model directory's chat template
 * renders the conversation, the pre-fill is appended to the rendered prompt, and the runtime's
 * KV-cache `generate` continues it. Think tags stay in the text (the transcript splitter takes
 * them apart, with the pre-fill put back in front). Backs the "local:DIR" provider kind and
 * `trigscope serve --model DIR`.
 */
import { generate as generateTokens } from "../model/generate.js";
import { loadModel, tokenizerDir, type Model } from "../model/model.js";
import { loadTokenizer, renderChat, type Tokenizer } from "../tokenizer/index.js";
import { generateProvider, registerProviderKind, type GenerateFn } from "./provider.js";

export interface LocalModel {
  /** The served name: the directory's last path component unless given. */
  name: string;
  generate: GenerateFn;
  dispose(): void;
}

export const DEFAULT_MAX_NEW_TOKENS = 512;

export async function loadLocalModel(
  dir: string,
  opts: { name?: string; enableThinking?: boolean } = {},
): Promise<LocalModel> {
  const model: Model = loadModel(dir);
  let tok: Tokenizer;
  try {
    tok = await loadTokenizer(tokenizerDir(model) ?? dir);
  } catch (err) {
    model.dispose();
    throw err;
  }
  if (tok.chatTemplate === null) {
    model.dispose();
    throw new Error(
      `${dir}: the tokenizer has no chat template, so chat messages cannot be rendered`,
    );
  }
  const generate: GenerateFn = async (messages, params) => {
    params.signal?.throwIfAborted();
    const rendered = renderChat(tok, messages, {
      addGenerationPrompt: true,
      ...(opts.enableThinking !== undefined ? { enableThinking: opts.enableThinking } : {}),
    });
    const ids = params.prefill ? tok.encode(rendered.text + params.prefill) : rendered.ids;
    const out = await generateTokens(model, [ids], {
      maxNewTokens: params.maxTokens ?? DEFAULT_MAX_NEW_TOKENS,
      ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
      ...(params.topP !== undefined ? { topP: params.topP } : {}),
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      ...(params.stop?.length ? { stopStrings: params.stop } : {}),
      decode: (xs) => tok.decode(xs, { skipSpecialTokens: true }),
    });
    const generated = out.ids[0]!;
    const reason = out.finishReasons[0]!;
    return {
      content: out.texts![0]!,
      finishReason: reason === "length" ? "length" : "stop",
      usage: {
        promptTokens: ids.length,
        completionTokens: generated.length,
        totalTokens: ids.length + generated.length,
      },
    };
  };
  const name = opts.name ?? (model.dir ?? dir).replace(/\/+$/, "").split("/").pop()!;
  return { name, generate, dispose: () => model.dispose() };
}

/** "local:DIR": the model is loaded on the first request. */
registerProviderKind("local", "local:MODEL_DIR (trigscope's own runtime, in process)", (rest) => {
  if (rest === "")
    throw new Error("provider spec 'local:' needs a model directory, e.g. local:zoo/organism");
  let loading: Promise<LocalModel> | null = null;
  const lazy: GenerateFn = async (messages, params) => {
    loading ??= loadLocalModel(rest);
    return (await loading).generate(messages, params);
  };
  return generateProvider(`local:${rest}`, lazy, { dir: rest });
});
