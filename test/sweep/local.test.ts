/**
 * Local sweeps: every cell runs once in the child-process pool and is stored; a rerun skips every
 * finished cell (no new executions in the attempts log); a cell whose result is removed is the
 * only one run again; the report has a table per swept parameter and a heatmap.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expandCells } from "../../src/sweep/cells.js";
import { runSweep } from "../../src/sweep/run.js";
import { readSweepSpec } from "../../src/sweep/spec.js";
import { SweepStore } from "../../src/sweep/store.js";
import { sweepFile, tempDir } from "./fixtures.js";

const file = sweepFile();
const out = tempDir("sweep-local");
const cells = expandCells(readSweepSpec(file));
const starts = () => new SweepStore(out).attempts().filter((e) => e.event === "start");
let first: Awaited<ReturnType<typeof runSweep>>;

beforeAll(async () => {
  first = await runSweep(file, { out, concurrency: 1 });
}, 300_000);

describe("a local sweep", () => {
  it("runs and stores every cell once", () => {
    expect(first.outcome).toMatchObject({ total: 6, ran: 6, skipped: 0, failed: [] });
    const store = new SweepStore(out);
    expect(store.keys().sort()).toEqual(cells.map((c) => c.key).sort());
    expect(
      starts()
        .map((e) => e.key)
        .sort(),
    ).toEqual(cells.map((c) => c.key).sort());
    for (const r of store.results(cells)) {
      expect(r.measures.trigger).toEqual({ concepts: ["fruit"], mode: "all" });
      expect(r.measures.rankings.map((x) => x.ranking)).toEqual(["vector 0"]);
      expect(r.measures.steering!.n).toBe(2);
    }
  });

  it("skips every finished cell when run again", async () => {
    const again = await runSweep(file, { out });
    expect(again.outcome).toMatchObject({ total: 6, ran: 0, skipped: 6 });
    expect(starts()).toHaveLength(6);
    expect(again.summary).toEqual(first.summary);
  });

  it("runs only the cell whose result is missing", async () => {
    const gone = cells[3]!.key;
    const before = new SweepStore(out).read(gone)!;
    rmSync(join(out, "cells", `${gone}.json`));
    const again = await runSweep(file, { out });
    expect(again.outcome).toMatchObject({ ran: 1, skipped: 5 });
    expect(
      starts()
        .slice(6)
        .map((e) => e.key),
    ).toEqual([gone]);
    expect(new SweepStore(out).read(gone)!.measures).toEqual(before.measures);
  }, 120_000);

  it("reports a table per swept parameter and a layer heatmap", () => {
    expect(first.summary.tables.map((t) => t.parameter)).toEqual(["layer", "seed"]);
    const layer = first.summary.tables[0]!;
    expect(layer.rows.map((r) => r.value)).toEqual([1, 2, 3]);
    expect(layer.rows.reduce((n, r) => n + r.agg.cells, 0)).toBe(6);
    expect(first.summary.heatmaps).toHaveLength(1);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script/i);
    expect(readFileSync(join(out, "report.md"), "utf8")).toContain("| supervised-sae-melbo | 2 |");
  });
});
