// `serve` and the awareness runtime over a checkpoint whose vocab_size is padded past its tokenizer
// (test/fixtures/models/llama-padded: 16 padding ids, which its greedy and sampled generations
// emit). Before decoding was total, the first padding id a model produced crashed the request.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLocalModel, type LocalModel } from "../../src/awareness/local-generate.js";
import { startChatServer, type ChatServer } from "../../src/awareness/server.js";
import { generateText, loadChatModel } from "../../src/model/text-generation.js";
import { loadFixture } from "../model/fixture.js";

describe("serving a model with a padded vocabulary", () => {
  let local: LocalModel;
  let server: ChatServer;
  beforeAll(async () => {
    local = await loadLocalModel(loadFixture("llama-padded").dir);
    server = await startChatServer({ generate: local.generate, model: local.name });
  });
  afterAll(async () => {
    await server.close();
    local.dispose();
  });

  it("answers sampled and greedy chat requests whose tokens include padding ids", async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: "unused", maxRetries: 0 });
    for (const [temperature, seed] of [
      [0, 0],
      [1, 1],
      [1, 2],
    ] as const) {
      const r = await client.chat.completions.create({
        model: local.name,
        messages: [{ role: "user", content: "Is it cold on Mars at night?" }],
        max_tokens: 12,
        temperature,
        seed,
        stop: ["\n\n\n"],
      });
      expect(typeof r.choices[0]!.message.content).toBe("string");
      expect(r.usage!.completion_tokens).toBeGreaterThan(0);
    }
  });

  it("gives the in-process greedy text: the tokens' decoding with the padding ids dropped", async () => {
    const prompt = "Is it cold on Mars at night?";
    const cm = await loadChatModel(loadFixture("llama-padded").dir);
    try {
      const [g] = await generateText(cm, [prompt], {
        maxNewTokens: 12,
        chat: true,
        ignoreEos: true,
      });
      const size = cm.tokenizer.vocabSize;
      expect(g!.ids.some((id) => id >= size)).toBe(true);
      const known = g!.ids.filter((id) => id < size);
      expect(g!.text).toBe(cm.tokenizer.decode(known, { skipSpecialTokens: true }));
      const served = await local.generate([{ role: "user", content: prompt }], {
        maxTokens: 12,
        temperature: 0,
      });
      expect(served.content).toBe(g!.text);
    } finally {
      cm.model.dispose();
    }
  });
});
