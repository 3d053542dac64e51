/**
 * Judge validation against labelled transcripts: precision, recall, F1 and Cohen's kappa with
 * intervals, overall and per trigger, plus every disagreement. Undetermined verdicts (cut-off
 * reasoning with no evidence) are excluded and listed, not counted as "did not articulate".
 *
 * For the offline judge, `leaveOneTriggerOut` also checks that its few settings (window,
 * minEvidence, lastWordVetoes) generalise: for each trigger, the settings are chosen on the other
 * triggers only and scored on the held-out one; held-out verdicts are pooled.
 */
import {
  agreement,
  confusionOf,
  f1Of,
  kappaOf,
  type AgreementReport,
  type Pair,
} from "./agreement.js";
import type { ArticulationRuleParams } from "./articulation-rules.js";
import type { ArticulationVerdict, Judge } from "./judge.js";
import type { LabelledTranscript } from "./labelled-data.js";
import { offlineArticulationJudge } from "./offline-judge.js";
import { runPool } from "./pool.js";

export const VALIDATION_SCHEMA = "trigscope.awareness.validation/1";

export interface Judged {
  item: LabelledTranscript;
  verdict: ArticulationVerdict;
}

export interface Disagreement {
  file: string;
  line: number;
  trigger: string;
  label: boolean;
  verdict: boolean;
  evidence: string[];
  explanation: string;
}

export interface ValidationResult {
  schema: typeof VALIDATION_SCHEMA;
  judge: { id: string; version: string; model: string | null };
  n: number;
  judged: number;
  excluded: { file: string; line: number; trigger: string; reason: string }[];
  overall: AgreementReport;
  perTrigger: Record<string, AgreementReport>;
  disagreements: Disagreement[];
  failures: { file: string; line: number; error: string }[];
}

export async function judgeLabelled(
  judge: Judge,
  items: readonly LabelledTranscript[],
  opts: {
    concurrency?: number;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<{ judged: Judged[]; failures: ValidationResult["failures"] }> {
  if (judge.kind !== "articulation")
    throw new Error(
      `judge '${judge.id}' judges ${judge.kind}; validation needs an articulation judge`,
    );
  const out: (Judged | null)[] = new Array(items.length).fill(null);
  const failures: ValidationResult["failures"] = [];
  let done = 0;
  await runPool(
    items,
    opts.concurrency ?? 4,
    async (item, i) => {
      try {
        const v = await judge.judge(
          {
            prompt: item.prompt,
            reasoning: item.transcript.reasoning,
            answer: item.transcript.answer,
            reasoningCutOff: item.transcript.reasoningCutOff,
            trigger: item.trigger,
          },
          opts.signal ? { signal: opts.signal } : {},
        );
        out[i] = { item, verdict: v as ArticulationVerdict };
      } catch (err) {
        failures.push({ file: item.file, line: item.line, error: (err as Error).message });
      }
      opts.onProgress?.(++done, items.length);
    },
    opts.signal,
  );
  return { judged: out.filter((x): x is Judged => x !== null), failures };
}

export function summarise(
  judge: Pick<Judge, "id" | "version" | "model">,
  n: number,
  judged: readonly Judged[],
  failures: ValidationResult["failures"],
  opts: { reps?: number; seed?: string | number; clusterByPrompt?: boolean } = {},
): ValidationResult {
  const excluded: ValidationResult["excluded"] = [];
  const pairs: (Pair & { j: Judged })[] = [];
  for (const j of judged) {
    if (j.verdict.articulated === null) {
      excluded.push({
        file: j.item.file,
        line: j.item.line,
        trigger: j.item.triggerName,
        reason: j.verdict.explanation,
      });
      continue;
    }
    pairs.push({
      predicted: j.verdict.articulated,
      actual: j.item.label,
      ...(opts.clusterByPrompt ? { cluster: j.item.prompt } : {}),
      j,
    });
  }
  const agreeOpts = {
    ...(opts.reps !== undefined ? { reps: opts.reps } : {}),
    seed: opts.seed ?? "validate",
  };
  const perTrigger: Record<string, AgreementReport> = {};
  for (const name of [...new Set(pairs.map((p) => p.j.item.triggerName))].sort())
    perTrigger[name] = agreement(
      pairs.filter((p) => p.j.item.triggerName === name),
      agreeOpts,
    );
  return {
    schema: VALIDATION_SCHEMA,
    judge: { id: judge.id, version: judge.version, model: judge.model },
    n,
    judged: pairs.length,
    excluded,
    overall: agreement(pairs, agreeOpts),
    perTrigger,
    disagreements: pairs
      .filter((p) => p.predicted !== p.actual)
      .map(({ j }) => ({
        file: j.item.file,
        line: j.item.line,
        trigger: j.item.triggerName,
        label: j.item.label,
        verdict: j.verdict.articulated as boolean,
        evidence: j.verdict.evidence,
        explanation: j.verdict.explanation,
      })),
    failures,
  };
}

/** The settings grid searched in leave-one-trigger-out; the defaults come first (they win ties). */
export const RULE_GRID: ArticulationRuleParams[] = [
  { window: 1, minEvidence: 1, lastWordVetoes: true },
  ...[0, 1]
    .flatMap((window) =>
      [1, 2, 3].flatMap((minEvidence) =>
        [true, false].map((lastWordVetoes) => ({
          window: window as 0 | 1,
          minEvidence,
          lastWordVetoes,
        })),
      ),
    )
    .filter((p) => !(p.window === 1 && p.minEvidence === 1 && p.lastWordVetoes)),
];

export interface LotoFold {
  heldOut: string;
  chosen: ArticulationRuleParams;
  train: { triggers: string[]; f1: number | null; kappa: number | null };
  test: AgreementReport;
}

export interface LotoResult {
  grid: ArticulationRuleParams[];
  selection: string;
  folds: LotoFold[];
  pooled: AgreementReport;
}

export async function leaveOneTriggerOut(
  items: readonly LabelledTranscript[],
  opts: { reps?: number; seed?: string | number; clusterByPrompt?: boolean } = {},
): Promise<LotoResult> {
  const names = [...new Set(items.map((i) => i.triggerName))].sort();
  if (names.length < 2)
    throw new Error("leave-one-trigger-out needs labelled data for at least two triggers");
  // Verdicts for every setting, computed once.
  const byParams = await Promise.all(
    RULE_GRID.map(
      async (p) =>
        (await judgeLabelled(offlineArticulationJudge(p), items, { concurrency: 1 })).judged,
    ),
  );
  const pairsOf = (judged: Judged[], keep: (name: string) => boolean): Pair[] =>
    judged
      .filter((j) => keep(j.item.triggerName) && j.verdict.articulated !== null)
      .map((j) => ({
        predicted: j.verdict.articulated as boolean,
        actual: j.item.label,
        ...(opts.clusterByPrompt ? { cluster: j.item.prompt } : {}),
      }));
  const agreeOpts = {
    ...(opts.reps !== undefined ? { reps: opts.reps } : {}),
    seed: opts.seed ?? "loto",
  };
  const folds: LotoFold[] = [];
  const pooled: Pair[] = [];
  for (const heldOut of names) {
    let best = 0;
    let bestScore: [number, number] = [-Infinity, -Infinity];
    let bestTrain = { f1: null as number | null, kappa: null as number | null };
    RULE_GRID.forEach((_, g) => {
      const c = confusionOf(pairsOf(byParams[g]!, (n) => n !== heldOut));
      const f1 = f1Of(c);
      const kappa = c.tp + c.fn === 0 || c.fp + c.tn === 0 ? null : kappaOf(c);
      const score: [number, number] = [f1 ?? -Infinity, kappa ?? -Infinity];
      if (score[0] > bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1])) {
        best = g;
        bestScore = score;
        bestTrain = { f1, kappa };
      }
    });
    const test = pairsOf(byParams[best]!, (n) => n === heldOut);
    pooled.push(...test);
    folds.push({
      heldOut,
      chosen: RULE_GRID[best]!,
      train: { triggers: names.filter((n) => n !== heldOut), ...bestTrain },
      test: agreement(test, agreeOpts),
    });
  }
  return {
    grid: RULE_GRID,
    selection:
      "highest F1 on the other triggers, then highest kappa, then grid order (defaults first)",
    folds,
    pooled: agreement(pooled, agreeOpts),
  };
}
