/**
 * `npm run lint` fails on a backward import or an import cycle (eslint/layers.js): shown on a
 * small project in a temporary folder with one deliberate violation of each kind, next to
 * imports that are allowed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, describe, expect, it } from "vitest";
import layers from "../../eslint/layers.js";

const root = mkdtempSync(join(tmpdir(), "trigscope-layers-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

async function lint() {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["src/**/*.ts"],
        languageOptions: { parser: tseslint.parser },
        plugins: { layers },
        rules: { "layers/direction": "error", "layers/no-cycle": "error" },
      },
    ],
  });
  const results = await eslint.lintFiles(["src"]);
  return results.flatMap((r) =>
    r.messages.map((m) => ({
      file: r.filePath.slice(root.length + 1),
      rule: m.ruleId,
      message: m.message,
    })),
  );
}

describe("the layering rules", () => {
  it("reject a backward import and a cycle, and accept imports that run down", async () => {
    write({
      // Allowed: model (layer 3) imports engine (0) and io (1).
      "src/engine/jax.ts": "export const x = 1;\n",
      "src/io/config.ts": "export interface C { d: number }\n",
      // Backward, though type-only: io importing a type of model.
      "src/io/peft.ts":
        'import type { ModelConfig } from "../model/config.js";\nexport type P = ModelConfig;\n',
      "src/model/config.ts": "export interface ModelConfig { d: number }\n",
      "src/model/forward.ts":
        'import { x } from "../engine/jax.js";\nimport type { C } from "../io/config.js";\nexport const f = (c: C) => x + c.d;\n',
      // Backward: model importing the audit.
      "src/model/bad.ts": 'import { r } from "../audit/report.js";\nexport const b = r;\n',
      "src/audit/report.ts": "export const r = 2;\n",
      // A cycle inside one folder.
      "src/audit/a.ts": 'import { b } from "./b.js";\nexport const a = () => b();\n',
      "src/audit/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
    });
    const messages = await lint();
    const direction = messages.filter((m) => m.rule === "layers/direction");
    expect(direction).toEqual([
      {
        file: "src/io/peft.ts",
        rule: "layers/direction",
        message:
          "src/io/ (layer 1) may not import src/model/config.ts (model, layer 3): imports run to lower layers only (docs/architecture.md)",
      },
      {
        file: "src/model/bad.ts",
        rule: "layers/direction",
        message:
          "src/model/ (layer 3) may not import src/audit/report.ts (audit, layer 8): imports run to lower layers only (docs/architecture.md)",
      },
    ]);
    const cycles = messages.filter((m) => m.rule === "layers/no-cycle");
    expect(cycles.map((m) => m.file).sort()).toEqual(["src/audit/a.ts", "src/audit/b.ts"]);
    expect(cycles[0]!.message).toMatch(/the cycle: audit\/a\.ts, audit\/b\.ts/);
    expect(messages).toHaveLength(4);
  });
});
