// The server's reasoning parser: <think>…</think> split out of generated text, whole and in deltas,
// and `trigscope serve`'s server returning it in `reasoning_content` (as vLLM does with
// --reasoning-parser) through the official openai client and trigscope's own provider.
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { openaiProvider } from "../../src/awareness/openai-provider.js";
import type { GenerateFn } from "../../src/awareness/provider.js";
import { startChatServer, type ChatServer } from "../../src/awareness/server.js";
import { prefillOpensThink, splitThink, ThinkSplitter } from "../../src/awareness/think-split.js";
import { splitReasoning } from "../../src/awareness/transcript.js";
import { runCommand } from "../cli/run-command.js";

describe("splitThink", () => {
  it.each([
    ["<think>plan</think>answer", false, "plan", "answer"],
    ["\n <think>plan</think>\n\nanswer", false, "plan", "\n\nanswer"],
    ["plain answer", false, "", "plain answer"],
    ["a <think> later</think> x", false, "", "a <think> later</think> x"],
    ["still thinking", false, "", "still thinking"],
    ["<think>cut off", false, "cut off", ""],
    [" more</think>answer", true, " more", "answer"],
    ["cut off inside a pre-filled block", true, "cut off inside a pre-filled block", ""],
    ["<thin", false, "", "<thin"],
    ["<think>ends on </thi", false, "ends on </thi", ""],
  ])("splits %j (pre-fill open: %s)", (text, inside, reasoning, content) => {
    expect(splitThink(text, inside)).toEqual({ reasoning, content });
  });

  it("gives the whole-text split for every way of cutting the text into two or three deltas", () => {
    const texts = ["\n<think>a </think>b</think>c", "<think>x</thinkish y</think>z", " q</think>r"];
    for (const text of texts)
      for (const inside of [false, true]) {
        const whole = splitThink(text, inside);
        for (let i = 0; i <= text.length; i++)
          for (let j = i; j <= text.length; j++) {
            const s = new ThinkSplitter(inside);
            const parts = [text.slice(0, i), text.slice(i, j), text.slice(j)].map((d) => s.push(d));
            parts.push(s.end());
            const got = {
              reasoning: parts.map((p) => p.reasoning).join(""),
              content: parts.map((p) => p.content).join(""),
            };
            expect(got, `${JSON.stringify(text)} cut at ${i},${j}`).toEqual(whole);
          }
      }
  });

  it("knows when a pre-fill leaves the think block open", () => {
    expect(prefillOpensThink("<think>\nOkay.")).toBe(true);
    expect(prefillOpensThink("<think>a</think>")).toBe(false);
    expect(prefillOpensThink(undefined)).toBe(false);
  });
});

const usage = { promptTokens: 1, completionTokens: 1, totalTokens: 2 };
/** Like trigscope's own models: think tags stay in the text; emits it in uneven deltas. */
const tagged: GenerateFn = async (_messages, params) => {
  const content =
    params.prefill !== undefined ? " so yes.</think>\n\nYes." : "<think>Plan it.</think>\n\nDone.";
  for (let i = 0; i < content.length; i += 3) params.emit?.({ content: content.slice(i, i + 3) });
  return { content, finishReason: "stop", usage };
};

let server: ChatServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});
const client = (s: ChatServer) => new OpenAI({ baseURL: s.url, apiKey: "unused", maxRetries: 0 });
type WithReasoning = { content?: string | null; reasoning_content?: string };

describe("serve with a reasoning parser", () => {
  it("returns reasoning_content apart from content, and leaves the tags in content without one", async () => {
    server = await startChatServer({ generate: tagged, model: "m", reasoningParser: "qwen3" });
    const r = await client(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "go" }],
    });
    const msg = r.choices[0]!.message as WithReasoning;
    expect(msg).toMatchObject({ content: "\n\nDone.", reasoning_content: "Plan it." });
    await server.close();
    server = await startChatServer({ generate: tagged, model: "m" });
    const plain = await client(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "go" }],
    });
    const p = plain.choices[0]!.message as WithReasoning;
    expect(p.content).toBe("<think>Plan it.</think>\n\nDone.");
    expect(p.reasoning_content).toBeUndefined();
  });

  it("streams reasoning_content and content deltas that add up to the split", async () => {
    server = await startChatServer({ generate: tagged, model: "m", reasoningParser: "think" });
    const stream = await client(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "go" }],
      stream: true,
    });
    let reasoning = "";
    let content = "";
    let tagSeen = false;
    for await (const ch of stream) {
      const d = (ch.choices[0]?.delta ?? {}) as WithReasoning;
      reasoning += d.reasoning_content ?? "";
      content += d.content ?? "";
      tagSeen ||= /think>/.test((d.reasoning_content ?? "") + (d.content ?? ""));
    }
    expect({ reasoning, content, tagSeen }).toEqual({
      reasoning: "Plan it.",
      content: "\n\nDone.",
      tagSeen: false,
    });
  });

  it("starts inside the think block a pre-fill opened, and the transcript is the same as from tags", async () => {
    server = await startChatServer({ generate: tagged, model: "m", reasoningParser: "think" });
    const provider = openaiProvider({ baseUrl: server.url, model: "m" });
    const prefill = "<think>\nOkay,";
    const c = await provider.complete(
      { messages: [{ role: "user", content: "go" }], params: {}, prefill },
      { sampleIndex: 0 },
    );
    expect(c).toMatchObject({ reasoning: " so yes.", content: "\n\nYes.", prefillApplied: true });
    const viaField = splitReasoning({ content: c.content, reasoningContent: c.reasoning, prefill });
    const viaTags = splitReasoning({ content: " so yes.</think>\n\nYes.", prefill });
    expect(viaField).toMatchObject({ reasoning: "Okay, so yes.", answer: "Yes.", source: "field" });
    expect(viaField.reasoning).toBe(viaTags.reasoning);
    expect(viaField.answer).toBe(viaTags.answer);
  });

  it("serve refuses an unknown --reasoning-parser before loading anything", async () => {
    await expect(
      runCommand(["serve", "--model", "/nonexistent", "--reasoning-parser", "mistral"]),
    ).rejects.toThrow(/--reasoning-parser must be one of think, qwen3, deepseek_r1/);
  });
});
