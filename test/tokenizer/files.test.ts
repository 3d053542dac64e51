import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenizer, loadTokenizer, TokenizerError } from "../../src/tokenizer/tokenizer.js";
import { makeBpeTokenizer, writeBpeTokenizer } from "./make-bpe.js";

/** Runs `fn` and returns the TokenizerError it throws (failing the test otherwise). */
async function tokenizerError(fn: () => unknown): Promise<TokenizerError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TokenizerError);
    return e as TokenizerError;
  }
  throw new Error("expected a TokenizerError");
}

type Json = Record<string, unknown>;

/** The GPT-2 test tokenizer with `edit` applied to a copy of tokenizer.json. */
function withJson(edit: (json: Json) => void): () => unknown {
  const { tokenizerJson, tokenizerConfig } = makeBpeTokenizer("gpt2");
  edit(tokenizerJson);
  return () => createTokenizer({ tokenizerJson, tokenizerConfig });
}

function withConfig(edit: (config: Json) => void): () => unknown {
  const { tokenizerJson, tokenizerConfig } = makeBpeTokenizer("gpt2");
  edit(tokenizerConfig);
  return () => createTokenizer({ tokenizerJson, tokenizerConfig });
}

describe("malformed tokenizer.json", () => {
  it.each<[string, (json: Json) => void, string]>([
    ["no model", (j) => delete j.model, "model"],
    ["an unknown model type", (j) => ((j.model as Json).type = "Magic"), "model.type"],
    ["a non-integer vocab id", (j) => ((j.model as Json).vocab = { a: "1" }), 'model.vocab["a"]'],
    ["merges not a list", (j) => ((j.model as Json).merges = "a b"), "model.merges"],
    [
      "a malformed merge",
      (j) => ((j.model as Json).merges as unknown[]).splice(3, 0, 7),
      "model.merges[3]",
    ],
    ["added_tokens not a list", (j) => (j.added_tokens = {}), "added_tokens"],
    [
      "an added token without content",
      (j) => delete (j.added_tokens as Json[])[0]!.content,
      "added_tokens[0].content",
    ],
    [
      "an added token with a string id",
      (j) => ((j.added_tokens as Json[])[0]!.id = "7"),
      "added_tokens[0].id",
    ],
    ["a decoder without a type", (j) => (j.decoder = { kind: "ByteLevel" }), "decoder"],
    [
      "a pre-tokenizer the library does not know",
      (j) => (j.pre_tokenizer = { type: "Nope" }),
      "pre_tokenizer",
    ],
  ])("names the field for %s", async (_what, edit, field) => {
    const error = await tokenizerError(withJson(edit));
    expect(error.file).toMatch(/tokenizer\.json$/);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`tokenizer.json: ${field}: `);
  });

  it("accepts a file without the optional component keys (they default to null)", () => {
    const tok = withJson((j) => {
      delete j.normalizer;
      delete j.post_processor;
    })() as { encode(t: string): number[] };
    expect(tok.encode("Hello").length).toBeGreaterThan(0);
  });
});

describe("malformed tokenizer_config.json", () => {
  it.each<[string, (config: Json) => void, string]>([
    ["a numeric bos_token", (c) => (c.bos_token = 5), "bos_token"],
    ["an eos_token object without content", (c) => (c.eos_token = { text: "x" }), "eos_token"],
    ["a pad_token outside the vocabulary", (c) => (c.pad_token = "<pad>"), "pad_token"],
    ["a string add_bos_token", (c) => (c.add_bos_token = "yes"), "add_bos_token"],
    ["a numeric chat_template", (c) => (c.chat_template = 3), "chat_template"],
    [
      "a chat_template list without names",
      (c) => (c.chat_template = [{ template: "x" }]),
      "chat_template[0]",
    ],
    [
      "a null additional special token",
      (c) => (c.additional_special_tokens = [null]),
      "additional_special_tokens[0]",
    ],
  ])("names the field for %s", async (_what, edit, field) => {
    const error = await tokenizerError(withConfig(edit));
    expect(error.file).toMatch(/tokenizer_config\.json$/);
    expect(error.field).toBe(field);
  });

  it("accepts special tokens written as AddedToken objects", () => {
    const tok = withConfig((c) => {
      c.bos_token = { __type: "AddedToken", content: "<|endoftext|>", special: true };
    })() as { bosToken: string };
    expect(tok.bosToken).toBe("<|endoftext|>");
  });

  it('picks the template named "default" from a list of named templates', () => {
    const tok = withConfig((c) => {
      c.chat_template = [
        { name: "tool_use", template: "tools" },
        { name: "default", template: "plain" },
      ];
    })() as { chatTemplate: string };
    expect(tok.chatTemplate).toBe("plain");
  });
});

describe("model directory files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "trigscope-tokfiles-"));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("fails naming tokenizer.json when it is missing", async () => {
    const error = await tokenizerError(() => loadTokenizer(join(dir, "empty")));
    expect(error.file).toBe(join(dir, "empty", "tokenizer.json"));
    expect(error.field).toBe("(file)");
  });

  it("fails naming the file when either JSON file does not parse", async () => {
    const model = join(dir, "bad-json");
    await writeBpeTokenizer(model, "gpt2");
    await writeFile(join(model, "tokenizer_config.json"), "{ not json");
    const configError = await tokenizerError(() => loadTokenizer(model));
    expect(configError.file).toBe(join(model, "tokenizer_config.json"));
    expect(configError.field).toBe("(json)");
    await writeFile(join(model, "tokenizer.json"), '{"model": ');
    const jsonError = await tokenizerError(() => loadTokenizer(model));
    expect(jsonError.file).toBe(join(model, "tokenizer.json"));
    expect(jsonError.field).toBe("(json)");
  });

  it("loads without tokenizer_config.json (no BOS/EOS, no chat template)", async () => {
    const model = join(dir, "no-config");
    await writeBpeTokenizer(model, "llama3");
    await rm(join(model, "tokenizer_config.json"));
    const tok = await loadTokenizer(model);
    expect([tok.bosToken, tok.eosToken, tok.chatTemplate]).toEqual([null, null, null]);
    // The post-processor still adds <|begin_of_text|>, though the config no longer names it.
    expect(tok.addBosToken).toBe(true);
    expect(tok.encode("Hi", { addSpecialTokens: true })[0]).toBe(
      tok.tokenToId("<|begin_of_text|>"),
    );
  });

  it("prefers chat_template.jinja over the config's chat_template (newer transformers)", async () => {
    const model = join(dir, "jinja-file");
    await writeBpeTokenizer(model, "qwen2");
    await writeFile(join(model, "chat_template.jinja"), "{{ messages[0]['content'] }}");
    expect((await loadTokenizer(model)).chatTemplate).toBe("{{ messages[0]['content'] }}");
  });
});
