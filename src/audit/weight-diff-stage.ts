/**
 * The weight-diff method's part of the report (src/methods/registry/weight-diff-run.ts runs it):
 * the adapter's read-side and write-side latents with their labels, its matrices and the benign
 * prompts along it; the candidate side's ranking feeds the candidates like any other method's.
 */
import type { MethodRanking } from "../interpret/candidates.js";
import { attachLabels, type RankedLatent } from "../interpret/latents.js";
import type { DiffLatent, DiffSide } from "../methods/weight-diff.js";
import type { DirectionPrompts } from "../methods/weight-diff-prompts.js";
import type { WeightDiffMatrix, WeightDiffRun } from "../methods/registry/weight-diff-run.js";
import type { LabelFile } from "../sae/labels.js";

/** The report's view of a run: labelled latents per side, and `side`'s ranking names candidates. */
export function weightDiffReport(
  run: WeightDiffRun,
  side: DiffSide,
  labels: LabelFile | undefined,
  keep: number,
  depth: number,
): { report: ReportWeightDiff; rankings: MethodRanking[] } {
  const latents = (xs: DiffLatent[]): RankedLatent[] => {
    const ranked = xs
      .slice(0, keep)
      .map((x) => ({ index: x.index, score: x.score, cosine: x.bestCosine, topWords: [] }));
    return labels ? attachLabels(ranked, labels) : ranked;
  };
  const report: ReportWeightDiff = {
    adapter: run.adapter,
    rank: run.rank,
    scale: run.scale,
    read: latents(run.read),
    write: latents(run.write),
    matrices: run.matrices,
    prompts: run.prompts,
    ...(run.seconds ? { seconds: run.seconds } : {}),
  };
  return {
    report,
    rankings: [{ method: `weight-diff/${side}`, latents: report[side].slice(0, depth) }],
  };
}

export interface ReportWeightDiff {
  adapter: string;
  rank: number;
  scale: number;
  read: RankedLatent[];
  write: RankedLatent[];
  matrices: WeightDiffMatrix[];
  prompts: DirectionPrompts[];
  /** Absent in runs stored before it was recorded. */
  seconds?: { directions: number; prompts: number };
}
