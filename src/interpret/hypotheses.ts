/**
 * Hypothesis testing in one call: probe sets from the candidates, their unsteered action rates in
 * one batched generation, and the verdict (probes.ts and verdict.ts hold the rules).
 */
import type { ChatModel } from "../model/text-generation.js";
import type { Candidate } from "./candidates.js";
import { rejectUnknownKeys } from "./errors.js";
import { measureProbes, probeSets, type ProbeResults, type ProbeSetOptions } from "./probes.js";
import { verdict, type Verdict } from "./verdict.js";

export interface HypothesisOptions extends ProbeSetOptions {
  action: string;
  maxNewTokens?: number;
  batchSize?: number;
  /** Early stopping of rows that cannot produce the action (default true). */
  screen?: boolean;
  /** Default 0.5. */
  minRate?: number;
  /** Probe prompts generated so far, of all (a progress bar's counts). */
  onProgress?: (done: number, total: number) => void;
}

const KEYS = [
  "n",
  "seed",
  "pairs",
  "phrasing",
  "control",
  "templates",
  "action",
  "maxNewTokens",
  "batchSize",
  "screen",
  "onProgress",
];

export async function testHypotheses(
  cm: ChatModel,
  candidates: readonly Candidate[],
  o: HypothesisOptions,
): Promise<{ probes: ProbeResults; verdict: Verdict }> {
  rejectUnknownKeys("testHypotheses", o, [...KEYS, "minRate"]);
  const { action, maxNewTokens, batchSize, screen, minRate, onProgress, ...setOptions } = o;
  const sets = probeSets(candidates, setOptions);
  const probes = await measureProbes(cm, sets, {
    action,
    ...(maxNewTokens !== undefined ? { maxNewTokens } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(screen !== undefined ? { screen } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  return {
    probes,
    verdict: verdict(probes, {
      ...(minRate !== undefined ? { minRate } : {}),
      preferred: candidates
        .filter((c) => c.concept !== undefined || c.synsets !== undefined)
        .map((c) => c.name),
    }),
  };
}
