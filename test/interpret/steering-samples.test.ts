/**
 * Which steered completions a report keeps: both completions that fired and ones that did not, so
 * a reader of 9/32 sees the action appear and sees what the misses said, in prompt order.
 */
import { describe, expect, it } from "vitest";
import { pickSamples } from "../../src/interpret/steering-success.js";

describe("steered samples kept for the report", () => {
  it("keeps half that fired and half that did not, in prompt order", () => {
    const hits = [false, false, true, false, true, true, false];
    expect(pickSamples(hits, 4)).toEqual([0, 1, 2, 4]);
  });

  it("fills with misses when few fired, and with hits when few missed", () => {
    expect(pickSamples([false, true, false, false, false], 4)).toEqual([0, 1, 2, 3]);
    expect(pickSamples([true, true, false, true, true], 4)).toEqual([0, 1, 2, 3]);
    expect(pickSamples([true, true, true, true, true], 3)).toEqual([0, 1, 2]);
  });

  it("keeps every completion when asked for more than there are", () => {
    expect(pickSamples([true, false], 4)).toEqual([0, 1]);
    expect(pickSamples([], 2)).toEqual([]);
  });
});
