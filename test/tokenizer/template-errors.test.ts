/**
 * A chat template that fails names where it came from: the file and field it was read from.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ChatTemplateError, renderPrompt } from "../../src/tokenizer/chat.js";
import { loadTokenizer } from "../../src/tokenizer/tokenizer.js";
import { FIXTURE_ROOT } from "../model/fixture.js";

const BROKEN =
  "{% for m in messages %}{{ raise_exception('no ' + m.role + ' turns here') }}{% endfor %}";

function modelDirWith(template: { config?: string; jinja?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), "trigscope-template-"));
  const src = join(FIXTURE_ROOT, "llama");
  copyFileSync(join(src, "tokenizer.json"), join(dir, "tokenizer.json"));
  const config = JSON.parse(readFileSync(join(src, "tokenizer_config.json"), "utf8"));
  if (template.config !== undefined) config.chat_template = template.config;
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(config));
  if (template.jinja !== undefined) writeFileSync(join(dir, "chat_template.jinja"), template.jinja);
  return dir;
}

async function renderError(dir: string): Promise<ChatTemplateError> {
  const tok = await loadTokenizer(dir);
  try {
    renderPrompt(tok, "hello");
  } catch (e) {
    expect(e).toBeInstanceOf(ChatTemplateError);
    return e as ChatTemplateError;
  }
  throw new Error("expected the template to fail");
}

describe("chat template errors", () => {
  it("name tokenizer_config.json and its chat_template field", async () => {
    const dir = modelDirWith({ config: BROKEN });
    const err = await renderError(dir);
    expect(err.origin).toBe(join(dir, "tokenizer_config.json") + ": chat_template");
    expect(err.message).toContain("tokenizer_config.json: chat_template: ");
    expect(err.message).toContain("no user turns here");
  });

  it("name chat_template.jinja when the template came from there", async () => {
    const dir = modelDirWith({ jinja: "{% for m in messages %}{{ m.content" });
    const err = await renderError(dir);
    expect(err.origin).toBe(join(dir, "chat_template.jinja"));
    expect(err.message).toMatch(/chat_template\.jinja: chat template does not parse/);
  });
});

describe("chat template budgets", () => {
  it("stops nested loops over large ranges instead of running for hours", async () => {
    const dir = modelDirWith({
      config: "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    });
    const err = await renderError(dir);
    expect(err.message).toMatch(/more than 200000 items/);
  });
});
