import { describe, expect, it } from "vitest";
import { createProgress, formatDuration, progressLine } from "../../src/progress/progress.js";

describe("progress", () => {
  it("shows done/total, the rate and the ETA", () => {
    // 25 of 100 done in 5 s → 5/s, 75 left → 15 s.
    expect(progressLine("run", 25, 100, 5, 25, 10, "1 failed")).toBe(
      "run [###-------] 25/100 5.0/s ETA 0:15 1 failed",
    );
  });
  it("formats durations as m:ss and h:mm:ss", () => {
    expect(formatDuration(75)).toBe("1:15");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatDuration(NaN)).toBe("?");
  });
  it("prints a line per 10% when not on a terminal, counting only this process's work in the rate", () => {
    const lines: string[] = [];
    let t = 0;
    const p = createProgress({
      label: "judge",
      write: (s) => lines.push(s),
      isTTY: false,
      width: 4,
      now: () => t,
    });
    p.update(50, 100); // resumed: half was done before
    for (let d = 51; d <= 100; d++) {
      t += 100;
      p.update(d, 100);
    }
    p.finish();
    expect(lines).toHaveLength(6); // 50%, 60%, …, 100%
    expect(lines.at(-1)).toBe("judge [####] 100/100 10/s ETA 0:00\n");
  });
  it("redraws one line in place on a terminal", () => {
    const out: string[] = [];
    let t = 0;
    const p = createProgress({
      label: "x",
      write: (s) => out.push(s),
      isTTY: true,
      width: 2,
      now: () => t,
      intervalMs: 100,
    });
    p.update(0, 2);
    p.update(1, 2); // within 100 ms: skipped
    t = 200;
    p.update(2, 2);
    p.finish();
    expect(out).toHaveLength(3);
    expect(out.every((s) => s.startsWith("\r"))).toBe(true);
    expect(out.at(-1)!.endsWith("\n")).toBe(true);
  });
});
