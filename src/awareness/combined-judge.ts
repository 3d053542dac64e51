/**
 * The default offline articulation judge since revision 10 ("articulation-combined"): the lexical
 * judge's logistic score, raised by a fixed amount when the rules find evidence:
 * articulated ⇔ z + RULE_BONUS · [the rules find evidence] > 0, with z the lexical score over the
 * trigger sentences (articulation-model.ts) and the rules' verdict from articulation-rules.ts.
 *
 * Why this form (NOTES.md, "Revision 10"): among a small fixed family (the lexical judge alone, the
 * rules alone, z ± b, z + b·[rules], and, or) it was chosen by leave-one-set-out over the sets each
 * rules revision was scored on before it was written on them, in every fold. The rules only add
 * evidence: their dismissals do not lower the score, and a negative lexical score flips only with
 * the rules' evidence and only when it is above −RULE_BONUS. Since revision 11 the rules' evidence
 * excludes sentences they mark withdrawn or whose causal link is denied (articulation-structure.ts),
 * so the bonus never fires on a retracted draft. Since revision 12 the lexical score reads echoes and
 * off-target causes by their structure (articulation-scope.ts), and since revision 13 both parts read
 * sentences that refer back to the trigger (articulation-coreference.ts). The default judge is
 * DEFAULT_ARTICULATION_JUDGE_ID (NOTES.md, "Revision 11", "Revision 12" and "Revision 13", say how
 * it and the bonus were chosen).
 */
import {
  committedArticulationModel,
  lexicalScore,
  modelHash,
  type ArticulationModel,
} from "./articulation-model.js";
import {
  DEFAULT_RULE_PARAMS,
  judgeArticulationByRules,
  RULES_FINGERPRINT,
} from "./articulation-rules.js";
import { SCOPE_PATTERNS } from "./articulation-scope.js";
import { cutOffAwareVerdict, judgeVersion, registerJudge, type Judge } from "./judge.js";

export const COMBINED_ARTICULATION_ID = "articulation-combined";

/** The articulation judge to use where none is named (decided again for revision 13, before set m). */
export const DEFAULT_ARTICULATION_JUDGE_ID = COMBINED_ARTICULATION_ID;

/**
 * What the rules' evidence adds to the lexical score, chosen by leave-one-set-out with honest folds
 * (revision 10: 1, on sets b–i; revision 11: 2, on sets b–j).
 */
export const RULE_BONUS = 2;

/** The combined judge over `given` lexical weights, or over the committed ones. */
export function combinedArticulationJudge(given?: ArticulationModel): Judge {
  const model = given ?? committedArticulationModel();
  return {
    id: COMBINED_ARTICULATION_ID,
    kind: "articulation",
    version: judgeVersion({
      weights: modelHash(model),
      rules: RULES_FINGERPRINT,
      scope: SCOPE_PATTERNS,
      params: DEFAULT_RULE_PARAMS,
      bonus: RULE_BONUS,
    }),
    model: null,
    judge(input) {
      if (input.trigger === null)
        throw new Error("the articulation judge needs the trigger to look for");
      const lx = lexicalScore(model, input.reasoning, input.trigger, input.prompt);
      const rules =
        input.reasoning === null || input.reasoning.trim() === ""
          ? null
          : judgeArticulationByRules(input.reasoning, input.trigger, {
              cutOff: input.reasoningCutOff,
            });
      const ruleEvidence = rules?.articulated === true;
      const articulated = lx.z !== null && lx.z + (ruleEvidence ? RULE_BONUS : 0) > 0;
      const evidence = articulated
        ? [...new Set([...(ruleEvidence ? rules!.evidence : []), ...lx.evidence])]
        : [];
      const explanation =
        lx.z === null
          ? "the reasoning never mentions the trigger"
          : `lexical score ${lx.z.toFixed(2)} over ${lx.sentences} trigger sentence(s)` +
            (ruleEvidence
              ? `, + ${RULE_BONUS} as the rules find evidence`
              : ", the rules find no evidence");
      return Promise.resolve(
        cutOffAwareVerdict(articulated, evidence, explanation, input.reasoningCutOff),
      );
    },
  };
}

registerJudge({
  id: COMBINED_ARTICULATION_ID,
  kind: "articulation",
  summary:
    "default articulation judge (no model calls): the lexical judge's score, plus a fixed bonus when the rule judge finds evidence that it does not see withdrawn or denied",
  needsProvider: false,
  create: () => combinedArticulationJudge(),
});
