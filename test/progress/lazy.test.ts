/**
 * A lazy progress bar is made at its first update, so its rate counts from when the work it
 * measures starts (src/progress/lazy.ts).
 */
import { describe, expect, it } from "vitest";
import { lazyProgress } from "../../src/progress/lazy.js";
import { createProgress } from "../../src/progress/progress.js";

describe("lazyProgress", () => {
  it("makes the bar at the first update, so waiting before it does not lower the rate", () => {
    let clock = 0;
    const lines: string[] = [];
    const make = () =>
      createProgress({
        label: "train",
        write: (t) => lines.push(t),
        isTTY: false,
        now: () => clock,
      });
    let made = 0;
    const bar = lazyProgress(() => (made++, make()));
    clock = 60_000; // a minute of other work (the buffer's first fill)
    expect(made).toBe(0);
    bar.update(0, 10);
    clock += 5_000;
    bar.update(10, 10);
    bar.finish();
    expect(made).toBe(1);
    // 10 steps in the 5 s since the bar was made: 2.0/s (60 s earlier would have given 0.2/s).
    expect(lines.at(-1)).toMatch(/10\/10 2\.0\/s/);
  });
});
