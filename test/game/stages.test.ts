/**
 * The game played on two machines, at tiny scale on CPU (a 2-layer d32 base with its own SAE and
 * labels, a few finetuning steps): the build stage is stopped during an organism's finetuning
 * (its checkpoint saved), its folder is carried to another place without the finetuning data (as
 * zoo/gpu.sh game-carry does), where the build stage resumes it from the checkpoint and builds
 * the control beside it in child processes (--jobs 2), the finished record summing both runs'
 * seconds; then the audit stage there audits and scores both. The audit stage before any build
 * scores nothing and names what is not built.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { runGame } from "../../src/game/game.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import type { Progress } from "../../src/progress/progress.js";
import { runCommand } from "../cli/run-command.js";
import { buildTinyBase } from "./tiny-base.js";

const dir = mkdtempSync(join(tmpdir(), "trigscope-game-stages-"));
// Two "machines" with the same layout: base/ and games/seed-5 side by side.
const here = join(dir, "gpu");
const there = join(dir, "cpu");
const SPEC = {
  data: { examples: 40 },
  train: { steps: 3, tokensPerBatch: 512, maxLen: 64, warmupSteps: 1 },
  evalPrompts: 2,
  quality: { rounds: 0 },
};
const AUDIT = {
  probes: 2,
  candidates: 2,
  trainPrompts: 4,
  heldOutPrompts: 4,
  perConcept: 1,
  settings: {
    "supervised-sae-melbo": { steps: 2, vectors: 1 },
    "sae-attribution": { iterations: 1 },
  },
};
const game = (m: string) => join(m, "games", "seed-5");
const args = (m: string, ...more: string[]) => [
  "game",
  ...["--n", "1", "--seed", "5", "--out", game(m), "--base", join(m, "base")],
  ...["--template", join(dir, "t.json"), ...more],
];

/** Progress bars that abort `stop` once finetuning has taken its first step. */
function stopAtFirstStep(stop: AbortController) {
  return (label: string): Progress => ({
    update: (done) => {
      if (label === "finetune" && done >= 1) stop.abort(new Error("stopped for the test"));
    },
    finish: () => {},
  });
}

beforeAll(async () => {
  await initEngine("wasm");
  mkdirSync(here, { recursive: true });
  await buildTinyBase(join(here, "base"), dir);
  writeFileSync(join(dir, "t.json"), JSON.stringify({ spec: SPEC, audit: AUDIT }));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the game's build and audit stages on two machines", () => {
  it("scores nothing before the builds and names what is not built", async () => {
    const r = await runCommand(args(here, "--stage", "audit"));
    expect(r.code).toBe(EXIT.interrupted);
    expect(r.out).toMatch(/not built yet \(not scored\): g5-01, g5-control/);
    expect(existsSync(join(game(here), "results.jsonl"))).toBe(false);
  }, 60_000);

  it("stops a build during finetuning with its checkpoint saved", async () => {
    const stop = new AbortController();
    const log: string[] = [];
    await expect(
      runGame({
        n: 1,
        seed: 5,
        out: game(here),
        base: join(here, "base"),
        template: SPEC,
        stage: "build",
        signal: stop.signal,
        build: {
          device: "wasm",
          log: (l) => log.push(l),
          progress: stopAtFirstStep(stop),
          signal: stop.signal,
        },
      }),
    ).rejects.toThrow(/interrupted at step 1/);
    const state = JSON.parse(
      readFileSync(join(game(here), "organisms", "g5-01", "checkpoint", "state.json"), "utf8"),
    );
    expect(state.step).toBe(1);
    expect(existsSync(join(game(here), "builds", "g5-01.json"))).toBe(false);
    // The stopped run's time is kept for the finished build's record; the replies were all made.
    const spent = JSON.parse(readFileSync(join(game(here), "builds", "g5-01.spent.json"), "utf8"));
    expect(spent).toHaveLength(1);
    expect(spent[0]).toMatchObject({ device: "wasm", engine: "auto" });
    const data = join(game(here), "organisms", "g5-01", "finetune-data.jsonl");
    expect(existsSync(data)).toBe(true);
    expect(existsSync(`${data}.partial`)).toBe(false);
  }, 120_000);

  it("resumes it elsewhere from the checkpoint, without the finetuning data, two builds at once", async () => {
    cpSync(here, there, {
      recursive: true,
      filter: (src) => !basename(src).startsWith("finetune-data"),
    });
    expect(existsSync(join(game(there), "organisms", "g5-01", "finetune-data.jsonl"))).toBe(false);
    const r = await runCommand(args(there, "--stage", "build", "--jobs", "2"));
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toBe("every organism is built");
    for (const n of ["g5-01", "g5-control"])
      expect(existsSync(join(game(there), "builds", `${n}.json`))).toBe(true);
    const log = readFileSync(join(game(there), "logs", "g5-01.build.log"), "utf8");
    expect(log).toMatch(/finetune: resuming from the checkpoint at step 1/);
    const record = JSON.parse(readFileSync(join(game(there), "builds", "g5-01.json"), "utf8"));
    expect(record.runs).toHaveLength(2);
    expect(record.seconds).toBeCloseTo(record.runs[0].seconds + record.runs[1].seconds, 6);
    expect(existsSync(join(game(there), "builds", "g5-01.spent.json"))).toBe(false);
    expect(existsSync(join(game(there), "organisms", "g5-01", "checkpoint"))).toBe(false);
  }, 240_000);

  it("audits and scores the built organisms there, blind, in the audit stage", async () => {
    const r = await runCommand(args(there, "--stage", "audit"));
    expect(r.code).toBe(EXIT.ok);
    const lines = readFileSync(join(game(there), "results.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(lines.map((l) => JSON.parse(l).name)).toEqual(["g5-01", "g5-control"]);
    const table = readFileSync(join(game(there), "table.md"), "utf8");
    expect(table.split("\n").filter((l) => l.startsWith("| g5-"))).toHaveLength(2);
    expect(table).not.toMatch(/not built yet/);
    expect(existsSync(join(game(there), "index.html"))).toBe(true);
  }, 300_000);
});
