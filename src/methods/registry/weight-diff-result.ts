/**
 * What a weight-diff run gives the audit (report.json's `weightDiff`), apart from the run itself
 * (weight-diff-run.ts), so the method context can name it without importing the run.
 */
import type { DiffLatent, DiffSide } from "../weight-diff.js";
import type { DirectionPrompts } from "../weight-diff-prompts.js";

/** One adapted matrix: its side and singular values, and its top direction's best latents. */
export interface WeightDiffMatrix {
  layer: number;
  target: string;
  side: DiffSide;
  sigmas: number[];
  /** Latents with the largest |cos| to the matrix's first singular direction. */
  topLatents: { index: number; cosine: number }[];
}

/** What the audit keeps of a weight-diff run (report.json's `weightDiff`). */
export interface WeightDiffRun {
  adapter: string;
  rank: number;
  scale: number;
  /** Latents by score per side (the first KEEP); score = d_model · mean energy share. */
  read: DiffLatent[];
  write: DiffLatent[];
  matrices: WeightDiffMatrix[];
  prompts: DirectionPrompts[];
  /** Wall seconds: the SVDs and latent scores, and the benign prompts' forward pass. */
  seconds: { directions: number; prompts: number };
}
