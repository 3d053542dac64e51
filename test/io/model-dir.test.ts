import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ModelDirError } from "../../src/io/errors.js";
import { resolveModelDir } from "../../src/io/model-dir.js";

const root = mkdtempSync(join(tmpdir(), "trigscope-dir-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function modelDir(name: string, files: string[]): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f), "{}");
  return dir;
}

function dirError(f: () => unknown): ModelDirError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelDirError);
    return err as ModelDirError;
  }
  throw new Error("expected a ModelDirError");
}

describe("resolveModelDir", () => {
  it("finds config, single-file weights and the optional tokenizer files that exist", () => {
    const dir = modelDir("single", ["config.json", "model.safetensors", "tokenizer.json"]);
    expect(resolveModelDir(dir)).toEqual({
      path: dir,
      configFile: join(dir, "config.json"),
      weightsFile: join(dir, "model.safetensors"),
      sharded: false,
      tokenizerFile: join(dir, "tokenizer.json"),
      tokenizerConfigFile: null,
      generationConfigFile: null,
    });
  });

  it("recognises sharded weights by their index", () => {
    const dir = modelDir("sharded", ["config.json", "model.safetensors.index.json"]);
    const found = resolveModelDir(dir);
    expect(found.sharded).toBe(true);
    expect(found.weightsFile).toBe(join(dir, "model.safetensors.index.json"));
  });

  it("looks a bare name up in the search directories", () => {
    modelDir("zoo/tiny", ["config.json", "model.safetensors", "generation_config.json"]);
    const found = resolveModelDir("tiny", {
      searchDirs: [join(root, "nowhere"), join(root, "zoo")],
    });
    expect(found.path).toBe(join(root, "zoo", "tiny"));
    expect(found.generationConfigFile).toBe(join(root, "zoo", "tiny", "generation_config.json"));
  });

  it("names a directory that does not exist or is a file", () => {
    expect(dirError(() => resolveModelDir(join(root, "absent"))).reason).toBe(
      "model directory does not exist",
    );
    const file = join(modelDir("plain", []), "x");
    writeFileSync(file, "");
    expect(dirError(() => resolveModelDir(file)).reason).toBe("is not a directory");
  });

  it("names missing config.json and weights, pointing at PyTorch pickles", () => {
    const noConfig = modelDir("no-config", ["model.safetensors"]);
    const e1 = dirError(() => resolveModelDir(noConfig));
    expect(e1.file).toBe(join(noConfig, "config.json"));
    expect(e1.reason).toBe("missing config.json");
    const noWeights = modelDir("no-weights", ["config.json", "pytorch_model.bin"]);
    const e2 = dirError(() => resolveModelDir(noWeights));
    expect(e2.file).toBe(join(noWeights, "model.safetensors"));
    expect(e2.reason).toContain("missing model.safetensors (or model.safetensors.index.json)");
    expect(e2.reason).toContain("found pytorch_model.bin");
    const empty = modelDir("empty", []);
    expect(dirError(() => resolveModelDir(empty)).reason).toContain(
      "missing config.json and model.safetensors",
    );
  });
});
