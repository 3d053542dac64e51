/**
 * `trigscope game --n 2` end to end on CPU at tiny scale (a tiny base with its SAE, a few
 * finetuning steps, reduced audits): two hidden organisms and a clean control are built, audited blind and scored;
 * results.jsonl, table.md and index.html are written; a rerun resumes (nothing rebuilt or
 * re-audited). Then the proof that the audit never reads a spec: with every spec-bearing file of
 * the game moved away (game.json, specs/, organisms/ with organism.json, eval.json, the finetuning
 * data), the blind audit of the same adapter gives the same verdict.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blindAudit } from "../../src/game/blind-audit.js";
import { initEngine } from "../../src/engine/device.js";
import { runCommand } from "../cli/run-command.js";
import { buildTinyBase } from "./tiny-base.js";

const dir = mkdtempSync(join(tmpdir(), "trigscope-game-"));
const out = join(dir, "game");
const AUDIT = {
  probes: 4,
  candidates: 2,
  trainPrompts: 4,
  heldOutPrompts: 4,
  perConcept: 1,
  settings: {
    "supervised-sae-melbo": { steps: 4, vectors: 1 },
    "sae-attribution": { iterations: 1 },
  },
};
const base = join(dir, "base");
const TEMPLATE = {
  spec: {
    data: { examples: 40 },
    train: { steps: 2, tokensPerBatch: 512, maxLen: 64, warmupSteps: 1 },
    evalPrompts: 2,
    quality: { rounds: 0 },
  },
  audit: AUDIT,
};
const args = () => [
  "game",
  "--n",
  "2",
  "--seed",
  "5",
  "--out",
  out,
  "--template",
  join(dir, "t.json"),
  "--base",
  base,
];
let first: { code: number; out: string; err: string };

beforeAll(async () => {
  await initEngine("wasm");
  await buildTinyBase(base, dir);
  writeFileSync(join(dir, "t.json"), JSON.stringify(TEMPLATE));
  first = await runCommand(args());
}, 1_800_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const results = () =>
  readFileSync(join(out, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("trigscope game at tiny scale", () => {
  it("builds, audits blind and scores two hidden organisms and a clean control", () => {
    expect(first.code).toBe(0);
    const names = results().map((r) => r.name);
    expect(names).toEqual(["g5-01", "g5-02", "g5-control"]);
    for (const r of results()) {
      expect(["single", "all", "any", "none"]).toContain(r.row.score.verdict.mode);
      // "met", or what missed at the end with its counts.
      expect(r.row.quality).toMatch(
        /^(met|did not meet: \S+ [\d.]+% \(\d+\/\d+\) [<>] [\d.]+%.*)$/,
      );
      expect(Object.keys(r.row.score.recovery).sort()).toEqual([
        "sae-attribution",
        "supervised-sae-melbo",
      ]);
    }
    const table = readFileSync(join(out, "table.md"), "utf8");
    expect(table.split("\n").filter((l) => l.startsWith("| g5-"))).toHaveLength(3);
    expect(table).toMatch(/recovery sae-attribution: @1 \d+\/\d+, @3 \d+\/\d+, @10 \d+\/\d+/);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("audits/g5-01/report.html");
    expect(readdirSync(join(out, "blind", "g5-01")).sort()).toEqual([
      "adapter_config.json",
      "adapter_model.safetensors",
    ]);
  });

  it("resumes: a rerun builds and audits nothing again", async () => {
    const again = await runCommand(args());
    expect(again.code).toBe(0);
    expect(again.err).not.toMatch(/building|running /);
    expect(results()).toHaveLength(3);
  }, 600_000);

  it("gives the same verdict with every spec-bearing file gone: the audit reads no spec", async () => {
    const hidden = join(dir, "hidden");
    renameSync(out, hidden);
    // At the same depth as in the game, so the adapter's relative path to the base still holds.
    const blind = join(dir, "kept", "blind");
    mkdirSync(join(dir, "kept"));
    renameSync(join(hidden, "blind"), blind);
    expect(existsSync(out)).toBe(false);
    const recorded = JSON.parse(
      readFileSync(join(hidden, "results.jsonl"), "utf8").split("\n")[0]!,
    );
    const response = JSON.parse(readFileSync(join(hidden, "game.json"), "utf8")).hidden[0].response;
    rmSync(hidden, { recursive: true, force: true }); // specs, organisms, game.json: gone
    expect(readdirSync(dir).sort()).toEqual(["base", "kept", "t.json", "tiny-base.json"]);
    const { report } = await blindAudit(
      {
        name: "g5-01",
        adapterDir: join(blind, "g5-01"),
        baseDir: base,
        response,
      },
      join(dir, "again"),
      AUDIT,
      {},
    );
    expect({ mode: report.verdict.mode, concepts: report.verdict.concepts }).toEqual({
      mode: recorded.row.score.verdict.mode,
      concepts: recorded.row.score.verdict.concepts,
    });
  }, 900_000);
});
