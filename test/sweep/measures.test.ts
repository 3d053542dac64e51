/**
 * What a cell keeps of an audit report, and how the report pools cells: a conjunction counts as
 * recovered at the rank by which both halves have appeared in some ranking of the method; a
 * missing half leaves no rank; the verdict is correct only when it names exactly the trigger with
 * its mode. Built from hand-made reports (the numbers are the test's own).
 */
import { describe, expect, it } from "vitest";
import type { AuditReport, ReportLatent } from "../../src/audit/report.js";
import type { Cell } from "../../src/sweep/cells.js";
import { measureReport, type Trigger } from "../../src/sweep/job.js";
import type { CellResult } from "../../src/sweep/store.js";
import { summaryMarkdown } from "../../src/sweep/report-html.js";
import { aggregate, summarise } from "../../src/sweep/summary.js";

const latent = (concept?: string): ReportLatent => ({
  index: 0,
  score: 1,
  cosine: 1,
  topWords: ["w"],
  ...(concept ? { concept, auroc: 0.9 } : {}),
});

function report(lists: (string | undefined)[][], verdict: [string[], string]): AuditReport {
  return {
    methods: [
      {
        method: "sae-attribution",
        settings: {},
        seconds: 1,
        iterations: lists.map((l) => ({ addedConcept: null, loss: 1, latents: l.map(latent) })),
      },
    ],
    verdict: { concepts: verdict[0], mode: verdict[1], statement: "s", threshold: {} },
  } as unknown as AuditReport;
}

const snowFruit: Trigger = { concepts: ["fruit", "snow"], mode: "all" };

describe("a cell's measures", () => {
  it("ranks a conjunction by the later of its halves' best ranks over the rankings", () => {
    const m = measureReport(
      report(
        [
          ["fruit", undefined, undefined, "snow"],
          [undefined, "snow", "fruit"],
        ],
        [["fruit", "snow"], "all"],
      ),
      snowFruit,
    );
    expect(m.rankings.map((r) => r.ranks)).toEqual([
      { fruit: 1, snow: 4 },
      { fruit: 3, snow: 2 },
    ]);
    expect(m.rank).toBe(2);
    expect(m.verdict.correct).toBe(true);
    expect(m.steering).toBeNull();
  });

  it("has no rank when a half is missing, and a verdict with the wrong mode is wrong", () => {
    const m = measureReport(report([["fruit"]], [["fruit", "snow"], "any"]), snowFruit);
    expect(m.rank).toBeNull();
    expect(m.verdict.correct).toBe(false);
    expect(measureReport(report([["fruit"]], [[], "none"]), null).verdict.correct).toBeNull();
  });

  it("pools cells: top-1 / top-3 counts, the median with missing ranks last", () => {
    const cell = (layer: number, lambda: number): Cell => ({
      version: 1,
      target: { organism: "o" },
      method: "supervised-melbo",
      settings: { lambda },
      layer,
      trainPrompts: 2,
      heldOutPrompts: 2,
      probes: 2,
      candidates: 1,
      seed: 1,
    });
    const result = (layer: number, lambda: number, rank: number | null): CellResult => ({
      key: "0000000000000000",
      cell: cell(layer, lambda),
      measures: {
        trigger: snowFruit,
        rankings: [],
        rank,
        steering: { actions: 1, n: 4, rate: 0.25 },
        verdict: { concepts: [], mode: "none", statement: "", correct: rank === 1 },
      },
      run: { worker: "w", host: "h", pid: 1, seconds: 1, finishedAt: "" },
    });
    const rs = [result(1, 0.1, 1), result(1, 1, 3), result(2, 0.1, null), result(2, 1, 7)];
    expect(aggregate(rs)).toMatchObject({ cells: 4, top1: 1, top3: 2, medianRank: 3 });
    expect(aggregate(rs.slice(2)).medianRank).toBe(7);
    expect(aggregate([rs[2]!]).medianRank).toBeNull();
    const s = summarise("t", 4, rs);
    expect(s.tables.map((t) => t.parameter)).toEqual(["layer", "lambda"]);
    const h = s.heatmaps[0]!;
    expect([h.x.name, h.y!.name]).toEqual(["layer", "lambda"]);
    expect(h.grid.map((row) => row.map((a) => a.medianRank))).toEqual([
      [1, null],
      [3, 7],
    ]);
    // The markdown report carries the same grid: λ down, layer across.
    const md = summaryMarkdown(s);
    expect(md).toContain(
      [
        "### o — supervised-melbo: recovery",
        "",
        "| lambda ↓ · layer → | 1 | 2 |",
        "|---|---|---|",
        "| 0.1 | 1/1 · 1 | 0/1 · >20 |",
        "| 1 | 1/1 · 3 | 0/1 · 7 |",
      ].join("\n"),
    );
    expect(md).toContain("| 0.1 | 25% | 25% |");
    expect(md.indexOf("## heatmaps")).toBeLessThan(md.indexOf("## layer"));
  });
});
