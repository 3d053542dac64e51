/**
 * The offline articulation judge ("articulation-offline"): articulation-rules.ts behind the Judge
 * interface. Its version hashes the rule set itself, so any edit to a rule yields a new version.
 */
import {
  DEFAULT_RULE_PARAMS,
  judgeArticulationByRules,
  RULES_FINGERPRINT,
  type ArticulationRuleParams,
} from "./articulation-rules.js";
import { judgeVersion, registerJudge, type Judge } from "./judge.js";

export const OFFLINE_ARTICULATION_ID = "articulation-offline";

export function offlineArticulationJudge(params: Partial<ArticulationRuleParams> = {}): Judge {
  const p = { ...DEFAULT_RULE_PARAMS, ...params };
  return {
    id: OFFLINE_ARTICULATION_ID,
    kind: "articulation",
    version: judgeVersion({ rules: RULES_FINGERPRINT, params: p }),
    model: null,
    judge(input) {
      if (input.trigger === null)
        throw new Error("the articulation judge needs the trigger to look for");
      if (input.reasoning === null || input.reasoning.trim() === "")
        return Promise.resolve({
          kind: "articulation",
          articulated: false,
          evidence: [],
          explanation: "no reasoning to judge",
        });
      const r = judgeArticulationByRules(input.reasoning, input.trigger, {
        cutOff: input.reasoningCutOff,
        params: p,
      });
      return Promise.resolve({
        kind: "articulation",
        articulated: r.articulated,
        evidence: r.evidence,
        explanation: r.explanation,
      });
    },
  };
}

registerJudge({
  id: OFFLINE_ARTICULATION_ID,
  kind: "articulation",
  summary:
    "rule-based articulation judge (no model): trigger in a causal frame about the decision, dismissals excluded",
  needsProvider: false,
  create: () => offlineArticulationJudge(),
});
