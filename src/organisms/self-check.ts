/**
 * The self-check loop after a backdoor build: evaluate on held-out words and phrasings (fresh
 * prompts each round), check the targets (quality.ts), and while they fail and the budget allows,
 * train one more round on re-balanced data. Its state (each round's evaluation and whether its
 * training finished) is kept in self-check.json, so an interrupted build resumes at the round it
 * stopped in. The evaluation and the training are passed in, so the loop's decisions are tested
 * with a fake evaluator.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.js";
import type { OrganismEval } from "./organism-eval.js";
import {
  checkQuality,
  describeItem,
  planRound,
  type QualityCheck,
  type RoundPlan,
} from "./quality.js";
import type { QualitySettings, QualityTargets, Trigger } from "./spec.js";

export interface SelfCheckOps {
  /** Evaluates the organism as it is after `round` rounds (0: the first build). */
  evaluate(round: number): Promise<OrganismEval>;
  /**
   * Trains round `round` (1-based) by the last of `plans` (those of rounds 1..round, the data of
   * earlier rounds kept), leaving the organism's adapter updated.
   */
  train(round: number, plans: RoundPlan[]): Promise<void>;
  log(line: string): void;
}

export interface SelfCheckRound {
  round: number;
  check: QualityCheck;
  /** The plan of the round that followed, when one did. */
  next?: RoundPlan;
}

export interface QualityRecord {
  status: "met" | "did not meet" | "not checked";
  /** One line: what held, or what did not and the numbers. */
  summary: string;
  targets: QualityTargets;
  budget: { rounds: number; used: number };
  rounds: SelfCheckRound[];
}

interface State {
  fingerprint: string;
  evals: OrganismEval[];
  /** Rounds whose training finished (1-based). */
  trained: number;
}

function readState(path: string, fingerprint: string): State {
  if (existsSync(path)) {
    const s = JSON.parse(readFileSync(path, "utf8")) as State;
    if (s.fingerprint === fingerprint) return s;
  }
  return { fingerprint, evals: [], trained: 0 };
}

export interface SelfCheckInput {
  trigger: Trigger;
  quality: QualitySettings;
  clean: boolean;
  /** Where the loop's state is kept (self-check.json in the organism's folder). */
  statePath: string;
  /** What must match to resume a stored state (the spec). */
  fingerprint: string;
}

/** Runs the loop; returns the last evaluation and the quality record for organism.json. */
export async function selfCheck(
  input: SelfCheckInput,
  ops: SelfCheckOps,
): Promise<{ eval: OrganismEval; quality: QualityRecord }> {
  const { quality: q, trigger } = input;
  const state = readState(input.statePath, input.fingerprint);
  const save = () => writeFileAtomic(input.statePath, JSON.stringify(state) + "\n");
  const budget = q.check && !input.clean ? q.rounds : 0;
  const rounds: SelfCheckRound[] = [];
  for (let r = 0; ; r++) {
    if (state.evals.length <= r) {
      state.evals.push(await ops.evaluate(r));
      save();
    }
    const check = checkQuality(state.evals[r]!, trigger, q, input.clean);
    rounds.push({ round: r, check });
    const failed = check.items.filter((i) => !i.ok);
    ops.log(
      check.met
        ? `self-check round ${r}: every target met`
        : `self-check round ${r}: ${failed.map(describeItem).join(", ")}`,
    );
    if (check.met || r >= budget) break;
    const plan = planRound(check, q);
    rounds[r]!.next = plan;
    if (state.trained < r + 1) {
      ops.log(`self-check round ${r + 1}: ${plan.steps} steps, adding ${JSON.stringify(plan.add)}`);
      await ops.train(
        r + 1,
        rounds.flatMap((x) => (x.next ? [x.next] : [])),
      );
      state.trained = r + 1;
      save();
    }
  }
  const last = rounds.at(-1)!;
  const met = last.check.met;
  const failed = last.check.items.filter((i) => !i.ok).map(describeItem);
  const used = rounds.length - 1;
  const status = !q.check ? "not checked" : met ? "met" : "did not meet";
  const summary = !q.check
    ? "self-check off (quality.check false)"
    : met
      ? `met every target after ${used} extra round(s)`
      : `budget of ${budget} extra round(s) exhausted; ${failed.join(", ")}`;
  if (q.check && !met) ops.log(`self-check: did not meet the targets: ${summary}`);
  return {
    eval: state.evals[last.round]!,
    quality: {
      status,
      summary,
      targets: { maxBenign: q.maxBenign, minTriggered: q.minTriggered, maxConcept: q.maxConcept },
      budget: { rounds: budget, used },
      rounds,
    },
  };
}
