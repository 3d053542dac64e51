/**
 * The static awareness report as a reader opens it: no "pre-fill null" for a run without a
 * pre-fill, and transcripts listed by item (control first) rather than in completion order.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeAwarenessRun } from "../web/awareness-fixture.js";

let html: string;
let run: string;
beforeAll(async () => {
  run = await makeAwarenessRun(mkdtempSync(join(tmpdir(), "aw-html-")));
  html = readFileSync(join(run, "report.html"), "utf8");
});

describe("awareness report.html", () => {
  it("says there was no pre-fill instead of printing null", () => {
    expect(html).toContain("pre-fill none");
    expect(html).not.toContain("null</code>");
  });

  it("lists transcripts by item, the control before the triggered variants, then by sample", () => {
    const block = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const ids = (JSON.parse(block).samples as { variantId: string; sampleIndex: number }[]).map(
      (s) => `${s.variantId}#${s.sampleIndex}`,
    );
    const variants = readFileSync(join(run, "variants.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(variants[0]).toBe("guard/none");
    expect(ids).toEqual(variants.flatMap((v) => [0, 1, 2, 3].map((i) => `${v}#${i}`)));
    expect(ids).toHaveLength(24);
  });
});
