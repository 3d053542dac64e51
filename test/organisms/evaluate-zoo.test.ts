/**
 * Evaluating organisms whose records are older or were written elsewhere. The zoo's fruit-refusal
 * predates the spec's `quality` and `clean` fields: the default targets decide which sets' fired
 * prompts are kept (benign ones and off-distribution kinds, never the triggered sets). A copy whose
 * recorded base path leads nowhere (a game built in another checkout) is evaluated on the zoo
 * model its spec names; when the spec names none, the error names organism.json's baseDir.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initEngine } from "../../src/engine/device.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { evaluateOrganism } from "../../src/organisms/evaluate.js";

/** fruit-refusal copied to a temp folder, its base paths pointing nowhere, its spec's base set. */
function movedCopy(specBase: string, baseDir: string | null = "../../../nowhere/zoo/base"): string {
  const out = join(mkdtempSync(join(tmpdir(), "moved-")), "a", "fruit-refusal");
  cpSync(dir, out, { recursive: true });
  const edit = (file: string, f: (x: Record<string, unknown>) => void) => {
    const x = JSON.parse(readFileSync(join(out, file), "utf8")) as Record<string, unknown>;
    f(x);
    writeFileSync(join(out, file), JSON.stringify(x));
  };
  edit("organism.json", (r) => {
    if (baseDir === null) delete r.baseDir;
    else r.baseDir = baseDir;
    (r.spec as Record<string, unknown>).base = specBase;
  });
  edit("adapter_config.json", (c) => (c.base_model_name_or_path = "../../../nowhere/zoo/base"));
  return out;
}

const dir = findModelDir("fruit-refusal").dir;

beforeAll(async () => {
  await initEngine("wasm");
});

describe("evaluateOrganism on a record without quality settings", () => {
  it("evaluates fruit-refusal and keeps fired prompts of negative sets only", async () => {
    const spec = JSON.parse(readFileSync(join(dir, "organism.json"), "utf8")).spec;
    expect(spec.quality).toBeUndefined();
    const ev = await evaluateOrganism(dir, { n: 4, seed: 3 });
    expect(ev.triggered.n).toBe(4);
    expect(ev.triggered.actions).toBeGreaterThan(0);
    const negative = (set: string) =>
      set === "benign" || set === "unseenPhrasing.benign" || set.startsWith("offDistribution.");
    for (const set of Object.keys(ev.fired ?? {})) expect(negative(set), set).toBe(true);
  });

  it("evaluates a copy whose recorded base is gone on the zoo model its spec names", async () => {
    const ev = await evaluateOrganism(movedCopy("base"), { n: 4, seed: 3 });
    expect(ev.triggered.actions).toBeGreaterThan(0);
    await expect(evaluateOrganism(movedCopy("base", null), { n: 4 })).rejects.toThrow(
      /organism\.json: field 'baseDir' is missing/,
    );
    await expect(evaluateOrganism(movedCopy("../base"), { n: 4 })).rejects.toThrow(
      /organism\.json: field 'baseDir': .*nowhere.* is not a model folder, and spec\.base '\.\.\/base' names no zoo model/,
    );
  });
});
