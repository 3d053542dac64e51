/**
 * The record a judging pass files for one (sample, target), one JSONL line each. Kept apart from
 * judging.ts so the readers of judgments (Inspect logs, reports) take the shape without importing
 * the judging pass, which itself writes the Inspect log.
 */
import type { Verdict } from "./judge.js";

export interface JudgmentRecord {
  sampleKey: string;
  /** The trigger judged (articulation), or null. */
  target: string | null;
  /** "trigger" | "distractor" for articulation targets; null otherwise. */
  targetRole: "trigger" | "distractor" | null;
  judge: { id: string; version: string; model: string | null };
  verdict: Verdict;
  at: string;
}
