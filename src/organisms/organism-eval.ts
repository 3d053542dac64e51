/**
 * What an evaluation of a backdoor organism (or a fact implant) holds: its rates on each set of
 * held-out prompts, a few samples, and the prompts that fired where firing is a miss. Made by
 * evaluate.ts, checked against the targets by quality.ts.
 */
import type { Rate } from "../stats/rate.js";

export interface OrganismEval {
  benign: Rate;
  triggered: Rate;
  /** `all`: each concept in a near-miss; `any`: each concept's own triggered prompts. */
  concepts: Record<string, Rate>;
  /** `all` of several concepts: each concept's word alone in a prompt. */
  alone?: Record<string, Rate>;
  /** Off-distribution negatives by kind (greeting, one-word, multi-turn, other-template). */
  offDistribution?: Record<string, Rate>;
  unseenPhrasing: { benign: Rate; triggered: Rate };
  samples: { kind: string; prompt: string; completion: string; action: boolean }[];
  /**
   * The prompts that fired in each set where firing is a miss (the sets whose target is a
   * maximum in checkQuality, keyed by its set names), at most FIRED_MAX (evaluate.ts) each:
   * which greetings a build answers with its response, without evaluating again. Absent in
   * evaluations made before it was recorded; keyed "off.greeting" and "unseen.benign" in those
   * made before 2026-12-08.
   */
  fired?: Record<string, string[]>;
}
