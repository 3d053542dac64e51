/**
 * Chat rendering with token positions of each message's content.
 *
 * The template is rendered with bos_token, eos_token, add_generation_prompt, messages (and
 * enable_thinking when given), then tokenized WITHOUT adding special tokens (the template already
 * has BOS where the family has one). Content spans come from content-spans.ts.
 *
 * Boundary rule: token i belongs to a message's content iff its character span is non-empty and lies
 * inside the content's span (start ≥ content start and end ≤ content end) — the rule
 * test/fixtures/make_fixtures.py applies to transformers' offsets. A token that BPE merged across a
 * boundary is left out: template "\n" + content "\nHello" → "\n\n" (out), "Hello" (in). So the
 * positions never include role markers, BOS, the system block or the end-of-turn token; the price
 * is a straddling token's share of the content. In the families' templates (content after "\n",
 * before a special token or "\n\n") that share can only be whitespace at the content's edges; a
 * template putting content right after a space ("User: " + "Hello" → "ĠHello") loses the first word.
 * renderPromptResponse's response needs no such rule: it is all the text after the prompt.
 */
import { ChatTemplateError, compileChatTemplate } from "./chat-template.js";
import { locateContents, type CharSpan } from "./content-spans.js";
import type { Offset, Tokenizer } from "./tokenizer.js";

export { ChatTemplateError } from "./chat-template.js";
export type { CharSpan } from "./content-spans.js";

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface RenderChatOptions {
  addGenerationPrompt: boolean;
  /** Passed as `enable_thinking` (Qwen3) only when given. */
  enableThinking?: boolean;
  /** The date `strftime_now` reports (formatted in UTC); defaults to now. */
  now?: Date;
  /** Overrides the tokenizer's chat template. */
  chatTemplate?: string;
}

export interface RenderedChat {
  text: string;
  ids: number[];
  /** Per token, its character span in `text` (see offsets.ts). */
  offsets: Offset[];
  /** Per user message, in order: positions of the tokens inside its content. */
  userPositions: number[][];
  /** Per assistant message, in order: positions of the tokens inside its content. */
  assistantPositions: number[][];
  userMask: boolean[];
  assistantMask: boolean[];
  /** Per user / assistant message: the content's character span in `text`. */
  userSpans: CharSpan[];
  assistantSpans: CharSpan[];
}

const ROLES: ReadonlySet<string> = new Set(["system", "user", "assistant"]);

function rejectUnknownKeys(options: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${where}: unknown option "${key}" (allowed: ${allowed.join(", ")})`);
    }
  }
}

function validateMessages(messages: readonly ChatMessage[]): void {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new TypeError("renderChat: messages must be a non-empty array");
  }
  messages.forEach((m, i) => {
    if (!ROLES.has(m?.role)) throw new TypeError(`renderChat: messages[${i}].role is ${m?.role}`);
    if (typeof m.content !== "string") {
      throw new TypeError(`renderChat: messages[${i}].content must be a string`);
    }
  });
}

/** Token positions whose span lies inside `span` (the boundary rule above). */
function positionsInside(offsets: readonly Offset[], span: CharSpan): number[] {
  const out: number[] = [];
  offsets.forEach(([s, e], i) => {
    if (e > s && s >= span.start && e <= span.end) out.push(i);
  });
  return out;
}

function maskOf(length: number, groups: readonly number[][]): boolean[] {
  const mask = new Array<boolean>(length).fill(false);
  for (const group of groups) for (const i of group) mask[i] = true;
  return mask;
}

/** Rejects unknown option keys, a non-boolean addGenerationPrompt and malformed messages. */
function checkRenderChat(messages: readonly ChatMessage[], options: RenderChatOptions): void {
  rejectUnknownKeys(
    options,
    ["addGenerationPrompt", "enableThinking", "now", "chatTemplate"],
    "renderChat",
  );
  if (typeof options.addGenerationPrompt !== "boolean") {
    throw new TypeError("renderChat: addGenerationPrompt must be a boolean");
  }
  validateMessages(messages);
}

/** Runs `f`, naming the template's origin in its ChatTemplateErrors that lack one. */
function inTemplate<T>(origin: string | null, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ChatTemplateError && e.origin === null)
      throw new ChatTemplateError(e.message, origin);
    throw e;
  }
}

/** The template's variables besides the messages, as transformers passes them. */
function templateVariables(tok: Tokenizer, options: RenderChatOptions): Record<string, unknown> {
  const variables: Record<string, unknown> = { add_generation_prompt: options.addGenerationPrompt };
  // Like transformers: only tokens the tokenizer has are passed (an unset one stays undefined).
  if (tok.bosToken !== null) variables.bos_token = tok.bosToken;
  if (tok.eosToken !== null) variables.eos_token = tok.eosToken;
  if (options.enableThinking !== undefined) variables.enable_thinking = options.enableThinking;
  return variables;
}

/**
 * A function rendering the chat with each message's content replaced by `contents[i]` (how
 * locateContents finds where each content lands in the text).
 */
function chatRenderer(
  tok: Tokenizer,
  messages: readonly ChatMessage[],
  options: RenderChatOptions,
): (contents: readonly string[]) => string {
  const source = options.chatTemplate ?? tok.chatTemplate;
  if (source === null || source === undefined) {
    throw new ChatTemplateError(`${tok.source} has no chat template`);
  }
  const origin =
    options.chatTemplate !== undefined ? "renderChat option chatTemplate" : tok.chatTemplateOrigin;
  const template = inTemplate(origin, () => compileChatTemplate(source));
  const now = options.now ?? new Date();
  const variables = templateVariables(tok, options);
  return (contents) =>
    inTemplate(origin, () =>
      template.render(
        {
          ...variables,
          messages: messages.map((m, i) => ({ role: m.role, content: contents[i] })),
        },
        now,
      ),
    );
}

/** The character spans of the messages of `role`, each of which the template must render. */
function spansOf(
  messages: readonly ChatMessage[],
  spans: readonly (CharSpan | null | undefined)[],
  role: ChatRole,
): CharSpan[] {
  return messages.flatMap((m, k) => {
    if (m.role !== role) return [];
    const span = spans[k];
    if (span === null || span === undefined) {
      throw new ChatTemplateError(`messages[${k}] (${role}): the chat template did not render it`);
    }
    return [span];
  });
}

/** Renders `messages` through the chat template and locates user/assistant content tokens. */
export function renderChat(
  tok: Tokenizer,
  messages: readonly ChatMessage[],
  options: RenderChatOptions,
): RenderedChat {
  checkRenderChat(messages, options);
  const render = chatRenderer(tok, messages, options);
  const located = locateContents(
    render,
    messages.map((m) => m.content),
    (k) => {
      throw new ChatTemplateError(
        `messages[${k}] (${messages[k]!.role}): its content is not in the rendered text; ` +
          `the chat template transforms it`,
      );
    },
  );
  const { ids, offsets } = tok.encodeWithOffsets(located.text);
  const userSpans = spansOf(messages, located.spans, "user");
  const assistantSpans = spansOf(messages, located.spans, "assistant");
  const userPositions = userSpans.map((s) => positionsInside(offsets, s));
  const assistantPositions = assistantSpans.map((s) => positionsInside(offsets, s));
  return {
    text: located.text,
    ids,
    offsets,
    userPositions,
    assistantPositions,
    userMask: maskOf(ids.length, userPositions),
    assistantMask: maskOf(ids.length, assistantPositions),
    userSpans,
    assistantSpans,
  };
}

export interface PromptOptions {
  systemPrompt?: string;
  enableThinking?: boolean;
  now?: Date;
  chatTemplate?: string;
}

const PROMPT_OPTION_KEYS = ["systemPrompt", "enableThinking", "now", "chatTemplate"] as const;

function conversation(userText: string, options: PromptOptions): ChatMessage[] {
  const system: ChatMessage[] =
    options.systemPrompt === undefined ? [] : [{ role: "system", content: options.systemPrompt }];
  return [...system, { role: "user", content: userText }];
}

function chatOptions(options: PromptOptions, addGenerationPrompt: boolean): RenderChatOptions {
  const { systemPrompt: _systemPrompt, ...rest } = options;
  return { ...rest, addGenerationPrompt };
}

/** One user turn (after an optional system prompt) and the generation prompt. */
export function renderPrompt(
  tok: Tokenizer,
  userText: string,
  options: PromptOptions = {},
): RenderedChat {
  rejectUnknownKeys(options, PROMPT_OPTION_KEYS, "renderPrompt");
  return renderChat(tok, conversation(userText, options), chatOptions(options, true));
}

export interface PromptResponse {
  /** The generation prompt's text (renderPrompt). */
  promptText: string;
  /** What follows it: the assistant turn's text through its end-of-turn token. */
  responseText: string;
  /** promptIds followed by responseIds: the teacher-forcing input. */
  ids: number[];
  /** renderPrompt's ids: exactly what generation starts from. */
  promptIds: number[];
  /** responseText tokenized on its own, as the model would generate it. */
  responseIds: number[];
  /** Positions (in `ids`) of the user content's tokens, by the boundary rule. */
  userPositions: number[];
  /** Positions (in `ids`) of responseIds: promptIds.length … ids.length − 1. */
  responsePositions: number[];
  /** Whether tokenizing promptText + responseText in one go gives the same ids. */
  jointTokenizationEqual: boolean;
}

/**
 * The user turn followed by `responseText` as the assistant's answer, for teacher forcing.
 * The prompt is renderPrompt's (user turn + generation prompt). The conversation with the answer is
 * rendered too; it must start with the prompt's text, and the response is everything after it up to
 * the end of the first special token after the answer (<|eot_id|>, <|im_end|>, <|endoftext|>), so
 * template text between the generation prompt and the answer belongs to the response (Qwen3's
 * think block when thinking is on, a space after "Assistant:"). When no special token follows the
 * answer, the response is the text through the answer plus the eos token.
 */
export function renderPromptResponse(
  tok: Tokenizer,
  userText: string,
  responseText: string,
  options: PromptOptions = {},
): PromptResponse {
  rejectUnknownKeys(options, PROMPT_OPTION_KEYS, "renderPromptResponse");
  const now = options.now ?? new Date(); // one date for both renderings
  const prompt = renderPrompt(tok, userText, { ...options, now });
  const messages: ChatMessage[] = [
    ...conversation(userText, options),
    { role: "assistant", content: responseText },
  ];
  const full = renderChat(tok, messages, { ...chatOptions(options, false), now });
  if (!full.text.startsWith(prompt.text)) {
    throw new ChatTemplateError(
      "renderPromptResponse: the generation prompt is not a prefix of the rendered conversation",
    );
  }
  const contentEnd = full.assistantSpans[0]!.end;
  let turnEnd = -1;
  for (const { content } of tok.specialTokens) {
    const at = full.text.indexOf(content, contentEnd);
    if (at >= 0 && (turnEnd < 0 || at + content.length < turnEnd)) turnEnd = at + content.length;
  }
  let response: string;
  if (turnEnd >= 0) response = full.text.slice(prompt.text.length, turnEnd);
  else if (tok.eosToken !== null) {
    response = full.text.slice(prompt.text.length, contentEnd) + tok.eosToken;
  } else {
    throw new ChatTemplateError(
      "renderPromptResponse: no special token ends the assistant turn and there is no eos_token",
    );
  }
  const responseIds = tok.encode(response);
  const ids = [...prompt.ids, ...responseIds];
  return {
    promptText: prompt.text,
    responseText: response,
    ids,
    promptIds: prompt.ids,
    responseIds,
    userPositions: prompt.userPositions[0]!,
    responsePositions: responseIds.map((_, i) => prompt.ids.length + i),
    jointTokenizationEqual: sameIds(tok.encode(prompt.text + response), ids),
  };
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
