/**
 * One turn of a playground conversation: the history plus the new user message rendered with the
 * organism's chat template (renderChat), generated with the library's generateFromEncoded, so
 * steering on "user" positions covers every user turn. A first turn renders exactly as the Node
 * runtime's single-prompt generateText does.
 */
import {
  generateFromEncoded,
  type ChatModel,
  type TextGeneration,
  type TextGenerationOptions,
} from "../../model/text-generation.js";
import { renderChat, type ChatMessage } from "../../tokenizer/chat.js";

export interface Turn {
  generation: TextGeneration;
  seconds: number;
}

export async function chatTurn(
  cm: ChatModel,
  history: readonly ChatMessage[],
  userText: string,
  opts: TextGenerationOptions,
): Promise<Turn> {
  const r = renderChat(cm.tokenizer, [...history, { role: "user", content: userText }], {
    addGenerationPrompt: true,
  });
  const t0 = performance.now();
  const [generation] = await generateFromEncoded(
    cm,
    [{ ids: r.ids, user: r.userPositions.flat() }],
    { ...opts, chat: true },
  );
  return { generation: generation!, seconds: (performance.now() - t0) / 1000 };
}
