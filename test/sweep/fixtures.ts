/**
 * A sweep small enough for the tests: one zoo organism, supervised SAE-MELBO with two steps and
 * two prompts per set, over layers × seeds (six cells of a second or two each, once the engine is
 * warm). It exercises the same code as a real sweep, only with tiny counts.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TINY_SWEEP = `name: tiny
organisms: [fruit-refusal]
methods:
  supervised-sae-melbo: { steps: 2, vectors: 1 }
grid: { layer: [1, 2, 3], trainPrompts: 2, heldOutPrompts: 2, probes: 2, candidates: 1 }
seeds: [1, 2]
`;

/** Writes `text` as a sweep file in a fresh temporary folder and returns its path. */
export function sweepFile(text = TINY_SWEEP, name = "sweep.yaml"): string {
  const path = join(mkdtempSync(join(tmpdir(), "trigscope-sweep-spec-")), name);
  writeFileSync(path, text);
  return path;
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `trigscope-${prefix}-`));
