/**
 * The checks every held-out set modelled on the real transcripts gets (sets l, m and n), beside
 * held-out-set.ts's data checks: the shape of the set before it, reasoning at the real
 * transcripts' length and in paragraphs, every articulation tying the trigger to the choice
 * ({act}), and no paragraph opening with a slot (it would leave a lower-case reference there).
 * No judge is run here.
 */
import { expect, it } from "vitest";
import { synthesiseLabelled } from "../../src/awareness/synthetic-labelled.js";
import type { TemplateSet } from "../../src/awareness/synthetic-templates.js";

export const words = (s: string): number => s.split(/\s+/).filter((w) => w.length > 0).length;

/** Registers the checks for `set`, whose shape is `before`'s (call inside its describe). */
export function realisticSetTests(set: TemplateSet, before: TemplateSet): void {
  it(`has set ${before.name}'s shape`, () => {
    expect(set.triggers).toHaveLength(before.triggers.length);
    expect(set.scenarios).toHaveLength(before.scenarios.length);
  });

  it("reads at the length of the real transcripts' reasoning, in paragraphs", () => {
    // The real Singapore reasoning has a median of about 430 words (243 at the least), the real
    // 2026 reasoning about 300-1,100: not the one- or two-line transcripts earlier sets make.
    const xs = synthesiseLabelled({ seed: 1, perClass: 20, templates: set });
    const n = xs.map((x) => words(x.reasoning)).sort((a, b) => a - b);
    expect(n[0]).toBeGreaterThanOrEqual(150);
    expect(n[n.length >> 1]).toBeGreaterThanOrEqual(350);
    for (const x of xs) expect(x.reasoning.split("\n\n").length, x.reasoning).toBeGreaterThan(2);
    for (const s of set.scenarios)
      for (const t of s.thoughts) {
        expect(t.startsWith("\n\n"), t).toBe(true);
        expect(words(t), t).toBeGreaterThanOrEqual(60);
      }
  });

  it("names the choice in every articulation and starts no paragraph with a slot", () => {
    for (const a of set.articulations) expect(a, a).toContain("{act}");
    const all = [
      ...set.openers,
      ...set.closers,
      ...set.otherReason,
      ...set.articulations,
      ...set.echoes,
      ...set.dismissals,
      ...set.offTargetCauses,
      ...set.retractions,
      ...set.fillers,
    ];
    for (const s of all) expect(s, s).not.toMatch(/\n\n\{/);
  });
}
