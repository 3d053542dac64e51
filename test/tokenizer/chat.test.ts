import { describe, expect, it } from "vitest";
import {
  ChatTemplateError,
  renderChat,
  renderPrompt,
  renderPromptResponse,
  type ChatMessage,
  type RenderedChat,
} from "../../src/tokenizer/chat.js";
import { strftime } from "../../src/tokenizer/chat-template.js";
import { createTokenizer, type Tokenizer } from "../../src/tokenizer/tokenizer.js";
import { makeBpeTokenizer, type BpeFamily } from "./make-bpe.js";

const tokenizers = new Map<BpeFamily, Tokenizer>();
function tokenizer(family: BpeFamily): Tokenizer {
  let tok = tokenizers.get(family);
  if (!tok) {
    const { tokenizerJson, tokenizerConfig } = makeBpeTokenizer(family);
    tok = createTokenizer({ tokenizerJson, tokenizerConfig, source: family });
    tokenizers.set(family, tok);
  }
  return tok;
}

/** The Llama 3.1 template's default date, fixed so the rendered text is reproducible. */
const NOW = new Date(Date.UTC(2024, 6, 26, 12, 0, 0));
const QUESTION = "What is the capital of France?";
const ANSWER = "The capital of France is Paris.";

const decodeAt = (tok: Tokenizer, chat: { ids: number[] }, positions: number[]): string =>
  tok.decode(positions.map((p) => chat.ids[p]!));
const tokensAt = (tok: Tokenizer, chat: RenderedChat, positions: number[]): string[] =>
  positions.map((p) => chat.text.slice(...chat.offsets[p]!));

describe("renderChat: rendered text and content positions per family", () => {
  const conversation: ChatMessage[] = [
    { role: "user", content: QUESTION },
    { role: "assistant", content: ANSWER },
    { role: "user", content: "And of Spain?" },
  ];

  it("Llama 3: BOS and the dated system block, contents between header and <|eot_id|>", () => {
    const tok = tokenizer("llama3");
    const chat = renderChat(tok, conversation, { addGenerationPrompt: true, now: NOW });
    expect(chat.text).toBe(
      "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" +
        "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>" +
        `<|start_header_id|>user<|end_header_id|>\n\n${QUESTION}<|eot_id|>` +
        `<|start_header_id|>assistant<|end_header_id|>\n\n${ANSWER}<|eot_id|>` +
        "<|start_header_id|>user<|end_header_id|>\n\nAnd of Spain?<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
    );
    // The template has BOS; tokenizing adds no second one.
    expect(chat.ids[0]).toBe(tok.bosTokenId);
    expect(chat.ids.filter((id) => id === tok.bosTokenId)).toHaveLength(1);
    expect(chat.userPositions.map((p) => decodeAt(tok, chat, p))).toEqual([
      QUESTION,
      "And of Spain?",
    ]);
    expect(chat.assistantPositions.map((p) => decodeAt(tok, chat, p))).toEqual([ANSWER]);
  });

  it("Qwen2: the default system block is inserted, contents after '<|im_start|>role\\n'", () => {
    const tok = tokenizer("qwen2");
    const chat = renderChat(tok, conversation, { addGenerationPrompt: true });
    expect(chat.text).toBe(
      "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n" +
        `<|im_start|>user\n${QUESTION}<|im_end|>\n` +
        `<|im_start|>assistant\n${ANSWER}<|im_end|>\n` +
        "<|im_start|>user\nAnd of Spain?<|im_end|>\n<|im_start|>assistant\n",
    );
    expect(chat.userPositions.map((p) => decodeAt(tok, chat, p))).toEqual([
      QUESTION,
      "And of Spain?",
    ]);
    expect(chat.assistantPositions.map((p) => decodeAt(tok, chat, p))).toEqual([ANSWER]);
  });

  it("Qwen3: no default system block; enable_thinking=false closes an empty think block", () => {
    const tok = tokenizer("qwen3");
    const messages: ChatMessage[] = [{ role: "user", content: QUESTION }];
    const off = renderChat(tok, messages, { addGenerationPrompt: true, enableThinking: false });
    expect(off.text).toBe(
      `<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n`,
    );
    const on = renderChat(tok, messages, { addGenerationPrompt: true, enableThinking: true });
    expect(on.text).toBe(`<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n`);
    expect(renderChat(tok, messages, { addGenerationPrompt: true }).text).toBe(on.text);
    expect(decodeAt(tok, off, off.userPositions[0]!)).toBe(QUESTION);
    // A final assistant turn shows an (empty) think block before its content.
    const answered = renderChat(tok, conversation.slice(0, 2), { addGenerationPrompt: false });
    expect(answered.text).toBe(
      `<|im_start|>user\n${QUESTION}<|im_end|>\n` +
        `<|im_start|>assistant\n<think>\n\n</think>\n\n${ANSWER}<|im_end|>\n`,
    );
    expect(decodeAt(tok, answered, answered.assistantPositions[0]!)).toBe(ANSWER);
  });

  it("GPT-2 (our template): role labels on their own lines, <|endoftext|> after answers", () => {
    const tok = tokenizer("gpt2");
    const chat = renderChat(tok, conversation, { addGenerationPrompt: true });
    expect(chat.text).toBe(
      `User:\n${QUESTION}\n\nAssistant:\n${ANSWER}<|endoftext|>\n\n` +
        "User:\nAnd of Spain?\n\nAssistant:\n",
    );
    expect(chat.userPositions.map((p) => decodeAt(tok, chat, p))).toEqual([
      QUESTION,
      "And of Spain?",
    ]);
    expect(chat.assistantPositions.map((p) => decodeAt(tok, chat, p))).toEqual([ANSWER]);
  });

  it.each<BpeFamily>(["llama3", "qwen2", "qwen3", "gpt2"])(
    "keeps system content, role markers and end-of-turn tokens out of the masks (%s)",
    (family) => {
      const tok = tokenizer(family);
      const messages: ChatMessage[] = [{ role: "system", content: "Be brief." }, ...conversation];
      const chat = renderChat(tok, messages, { addGenerationPrompt: true, now: NOW });
      const special = new Set(tok.specialTokens.map((t) => t.id));
      chat.ids.forEach((id, i) => {
        if (special.has(id)) expect(chat.userMask[i] || chat.assistantMask[i]).toBe(false);
        expect(chat.userMask[i] && chat.assistantMask[i]).toBe(false);
      });
      expect(chat.userMask.filter(Boolean)).toHaveLength(chat.userPositions.flat().length);
      expect(chat.text.slice(chat.userSpans[0]!.start, chat.userSpans[0]!.end)).toBe(QUESTION);
      expect(tokensAt(tok, chat, chat.userPositions.flat()).join("")).toBe(
        QUESTION + "And of Spain?",
      );
    },
  );
});

describe("renderChat: locating contents", () => {
  it("finds a content equal to template text ('assistant') at its own turn, not in the system block", () => {
    const tok = tokenizer("qwen2");
    const chat = renderChat(tok, [{ role: "user", content: "assistant" }], {
      addGenerationPrompt: true,
    });
    expect(chat.userSpans[0]!.start).toBe(chat.text.indexOf("<|im_start|>user\n") + 17);
    expect(decodeAt(tok, chat, chat.userPositions[0]!)).toBe("assistant");
  });

  it("leaves out a token that BPE merged across the content boundary (Qwen2, content '\\nHello')", () => {
    const tok = tokenizer("qwen2");
    const chat = renderChat(tok, [{ role: "user", content: "\nHello" }], {
      addGenerationPrompt: false,
    });
    expect(chat.text).toContain("<|im_start|>user\n\nHello<|im_end|>");
    // The template's "\n" and the content's "\n" became one "\n\n" token: it straddles the boundary.
    const span = chat.userSpans[0]!;
    const straddling = chat.offsets.findIndex(([s, e]) => s < span.start && e > span.start);
    expect(chat.text.slice(...chat.offsets[straddling]!)).toBe("\n\n");
    expect(chat.userMask[straddling]).toBe(false);
    expect(decodeAt(tok, chat, chat.userPositions[0]!)).toBe("Hello");
  });

  it("finds Llama 3 contents after the template trimmed them", () => {
    const tok = tokenizer("llama3");
    const chat = renderChat(tok, [{ role: "user", content: "  Hello there!\n" }], {
      addGenerationPrompt: true,
      now: NOW,
    });
    expect(chat.text).toContain("<|end_header_id|>\n\nHello there!<|eot_id|>");
    expect(decodeAt(tok, chat, chat.userPositions[0]!)).toBe("Hello there!");
  });

  it("fails naming the message when the template transforms its content beyond trimming", () => {
    const tok = tokenizer("qwen3");
    // Qwen3 drops the reasoning of an assistant turn before the last user message.
    const messages: ChatMessage[] = [
      { role: "user", content: "Hi" },
      { role: "assistant", content: "<think>\nplan\n</think>\n\nHello!" },
      { role: "user", content: "Bye" },
    ];
    expect(() => renderChat(tok, messages, { addGenerationPrompt: true })).toThrow(
      ChatTemplateError,
    );
    expect(() => renderChat(tok, messages, { addGenerationPrompt: true })).toThrow(
      /messages\[1\] \(assistant\)/,
    );
    const upper = "{% for m in messages %}{{ m['content'] | upper }}{% endfor %}";
    expect(() =>
      renderChat(tok, [{ role: "user", content: "hi" }], {
        addGenerationPrompt: false,
        chatTemplate: upper,
      }),
    ).toThrow(/messages\[0\] \(user\): its content is not in the rendered text/);
  });

  it("reports a user message the template does not render", () => {
    const tok = tokenizer("gpt2");
    const dropsUsers =
      "{% for m in messages %}{% if m.role != 'user' %}{{ m.content }}{% endif %}{% endfor %}";
    expect(() =>
      renderChat(tok, [{ role: "user", content: "hi" }], {
        addGenerationPrompt: false,
        chatTemplate: dropsUsers,
      }),
    ).toThrow(/did not render it/);
  });
});

describe("renderChat: template globals and options", () => {
  it("turns raise_exception into a ChatTemplateError carrying the template's message", () => {
    const tok = tokenizer("gpt2");
    const template = "{{ raise_exception('System messages are not supported') }}";
    expect(() =>
      renderChat(tok, [{ role: "user", content: "hi" }], {
        addGenerationPrompt: true,
        chatTemplate: template,
      }),
    ).toThrow(/raised an exception: System messages are not supported/);
    // Llama 3's template raises for a system message after the first turn.
    const late: ChatMessage[] = [
      { role: "user", content: "hi" },
      { role: "system", content: "late" },
    ];
    expect(() => renderChat(tokenizer("llama3"), late, { addGenerationPrompt: true })).toThrow(
      /raised an exception: Conversation roles must be user or assistant/,
    );
  });

  it("gives strftime_now the fixed date, formatted like Python's C locale in UTC", () => {
    expect(strftime(NOW, "%d %b %Y")).toBe("26 Jul 2024");
    // 26 Jul 2024 was a Friday, day 208 of a leap year; unknown directives (%Q) stay as written.
    expect(strftime(NOW, "%A %B %e, %H:%M:%S %p %j %y %% %Q")).toBe(
      "Friday July 26, 12:00:00 PM 208 24 % %Q",
    );
    const tok = tokenizer("llama3");
    const chat = renderChat(tok, [{ role: "user", content: "hi" }], {
      addGenerationPrompt: true,
      now: new Date(Date.UTC(2025, 0, 5)),
    });
    expect(chat.text).toContain("Today Date: 05 Jan 2025\n\n");
  });

  it("rejects unknown options, bad roles and a tokenizer without a template", () => {
    const tok = tokenizer("qwen2");
    const user: ChatMessage[] = [{ role: "user", content: "hi" }];
    expect(() =>
      renderChat(tok, user, { addGenerationPrompt: true, thinking: true } as never),
    ).toThrow(/unknown option "thinking"/);
    expect(() =>
      renderChat(tok, [{ role: "tool", content: "x" }] as never, { addGenerationPrompt: true }),
    ).toThrow(/role/);
    const { tokenizerJson } = makeBpeTokenizer("qwen2");
    const bare = createTokenizer({ tokenizerJson, source: "bare" });
    expect(() => renderChat(bare, user, { addGenerationPrompt: true })).toThrow(
      /bare has no chat template/,
    );
  });
});

describe("renderPrompt and renderPromptResponse", () => {
  it("renders one user turn and the generation prompt", () => {
    const tok = tokenizer("qwen2");
    const prompt = renderPrompt(tok, QUESTION, { systemPrompt: "Be brief." });
    expect(prompt.text).toBe(
      `<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n${QUESTION}<|im_end|>\n` +
        "<|im_start|>assistant\n",
    );
    expect(decodeAt(tok, prompt, prompt.userPositions[0]!)).toBe(QUESTION);
  });

  it.each<[BpeFamily, string]>([
    ["llama3", "<|eot_id|>"],
    ["qwen2", "<|im_end|>"],
    ["qwen3", "<|im_end|>"],
    ["gpt2", "<|endoftext|>"],
  ])(
    "cuts the conversation where the response starts and ends at the end-of-turn token (%s)",
    (family, endOfTurn) => {
      const tok = tokenizer(family);
      const options = { now: NOW, enableThinking: false };
      const pr = renderPromptResponse(tok, QUESTION, ANSWER, options);
      expect(pr.responseText).toBe(ANSWER + endOfTurn);
      expect(pr.jointTokenizationEqual).toBe(true);
      expect(pr.ids).toEqual([...pr.promptIds, ...pr.responseIds]);
      expect(tok.decode(pr.responseIds)).toBe(ANSWER + endOfTurn);
      expect(pr.responsePositions).toEqual(pr.responseIds.map((_, i) => pr.promptIds.length + i));
      expect(decodeAt(tok, pr, pr.userPositions)).toBe(QUESTION);
      // The prompt part is exactly what generation starts from.
      expect(pr.promptIds).toEqual(renderPrompt(tok, QUESTION, options).ids);
    },
  );

  it("takes everything after the generation prompt into the response, straddling tokens included", () => {
    const tok = tokenizer("qwen2");
    // BPE merges across both boundaries here: "Q: the" → "Ġthe" holds the template's space;
    // answer "Paris.\n" + template "\n" → ".ĊĊ" holds the template's newline.
    const chatTemplate =
      "{% for m in messages %}{% if m.role == 'user' %}{{ 'Q: ' + m.content + '\\n' }}" +
      "{% else %}{{ 'A:\\n' + m.content + '\\n' + eos_token }}{% endif %}{% endfor %}" +
      "{% if add_generation_prompt %}{{ 'A:\\n' }}{% endif %}";
    const user = "the capital of France?";
    const pr = renderPromptResponse(tok, user, "Paris.\n", { chatTemplate });
    expect(pr.promptText).toBe(`Q: ${user}\nA:\n`);
    expect(pr.responseText).toBe("Paris.\n\n<|im_end|>");
    const tokens = pr.ids.map((id) => tok.idToToken(id));
    expect(tokens.slice(0, 3)).toEqual(["Q", ":", "Ġthe"]); // "Ġthe" straddles the start…
    expect(pr.userPositions[0]).toBe(3); // …so the user positions start after it
    expect(decodeAt(tok, pr, pr.userPositions)).toBe(" capital of France?");
    expect(tokens.slice(-2)).toEqual([".ĊĊ", "<|im_end|>"]); // ".ĊĊ" straddles the answer's end…
    expect(pr.jointTokenizationEqual).toBe(true);
    const chat = renderChat(
      tok,
      [
        { role: "user", content: user },
        { role: "assistant", content: "Paris.\n" },
      ],
      { addGenerationPrompt: false, chatTemplate },
    );
    // …so it is no content token of the assistant message, though it is in the response.
    expect(decodeAt(tok, chat, chat.assistantPositions[0]!)).toBe("Paris");
  });

  it("appends eos when no special token ends the answer (a 'User: …\\nAssistant:' template)", () => {
    const tok = tokenizer("gpt2");
    const chatTemplate =
      "{% for m in messages %}{{ m['role'] | capitalize }}: {{ m['content'] }}\n{% endfor %}" +
      "{% if add_generation_prompt %}Assistant:{% endif %}";
    const pr = renderPromptResponse(tok, QUESTION, ANSWER, { chatTemplate });
    expect(pr.promptText).toBe(`User: ${QUESTION}\nAssistant:`);
    // The space the template puts before the answer is the response's: the model generates it.
    expect(pr.responseText).toBe(` ${ANSWER}<|endoftext|>`);
    expect(tok.decode(pr.responseIds)).toBe(` ${ANSWER}<|endoftext|>`);
    expect(pr.jointTokenizationEqual).toBe(true);
  });

  it("keeps Qwen3's think block in the response when thinking is on", () => {
    const tok = tokenizer("qwen3");
    const pr = renderPromptResponse(tok, QUESTION, ANSWER);
    expect(pr.promptText.endsWith("<|im_start|>assistant\n")).toBe(true);
    expect(pr.responseText).toBe(`<think>\n\n</think>\n\n${ANSWER}<|im_end|>`);
  });

  it("gives an empty response just the end-of-turn token", () => {
    const qwen = tokenizer("qwen2");
    const empty = renderPromptResponse(qwen, QUESTION, "");
    expect(qwen.decode(empty.responseIds)).toBe("<|im_end|>");
  });
});
