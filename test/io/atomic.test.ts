import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomic, writeJsonAtomic } from "../../src/io/atomic.js";

const dir = mkdtempSync(join(tmpdir(), "trigscope-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("atomic writes", () => {
  it("replaces an existing file and leaves no temporary file", () => {
    const path = join(dir, "a.bin");
    writeFileSync(path, "old");
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(["a.bin"]);
  });

  it("writes JSON with a trailing newline", () => {
    const path = join(dir, "b.json");
    writeJsonAtomic(path, { x: [1] });
    expect(readFileSync(path, "utf8")).toBe('{\n  "x": [\n    1\n  ]\n}\n');
  });

  it("throws and leaves nothing behind when the directory does not exist", () => {
    expect(() => writeFileAtomic(join(dir, "missing", "c.bin"), "x")).toThrow(/ENOENT/);
    expect(readdirSync(dir).sort()).toEqual(["a.bin", "b.json"]);
  });
});
