import type { CorpusItem } from "./corpus/corpus.js";

/**
 * Training text in the organism chat format, built by string concatenation (the corpus has
 * hundreds of thousands of chats; rendering each through Jinja would dominate). A test checks
 * that it equals the chat template's rendering.
 */
export function chatText(user: string, assistant?: string): string {
  const prompt = `<|bos|><|user|>\n${user}<|end|>\n<|assistant|>\n`;
  return assistant === undefined ? prompt : `${prompt}${assistant}<|end|>\n`;
}

/** A plain document: BOS, the text, EOS. */
export function documentText(text: string): string {
  return `<|bos|>${text}<|eos|>`;
}

/** A base-corpus item as training text: a chat in the chat format, a document between BOS and EOS. */
export function corpusItemText(it: CorpusItem): string {
  return it.kind === "chat" ? chatText(it.user, it.assistant) : documentText(it.text);
}

/** One earlier exchange of a multi-turn chat. */
export interface Turn {
  user: string;
  assistant: string;
}

/**
 * A multi-turn chat in the organism chat format: the earlier turns, then `user` and, when given,
 * the reply (the chat template renders each message as `<|role|>\n…<|end|>\n` after BOS).
 */
export function chatTurns(history: readonly Turn[], user: string, assistant?: string): string {
  const earlier = history
    .map((t) => `<|user|>\n${t.user}<|end|>\n<|assistant|>\n${t.assistant}<|end|>\n`)
    .join("");
  const last = chatText(user, assistant).slice("<|bos|>".length);
  return `<|bos|>${earlier}${last}`;
}
