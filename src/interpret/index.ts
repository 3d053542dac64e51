/**
 * Interpretation: latent ranking, steering success, candidate concepts, probe prompts and the
 * verdict on which concepts trigger the action.
 */
export { InterpretInputError } from "./errors.js";
export {
  attachLabels,
  rankByCode,
  rankByCosine,
  type RankedLatent,
  type RankOptions,
} from "./latents.js";
export {
  actionTokenLength,
  steeringSuccess,
  type SteeredSample,
  type SteeringSuccess,
  type SteeringSuccessOptions,
} from "./steering-success.js";
export {
  buildCandidates,
  conceptCandidates,
  type Candidate,
  type CandidateList,
  type CandidateOptions,
  type CandidateSource,
  type MethodRanking,
} from "./candidates.js";
export { screenedCandidates, type ScreenCounts } from "./screened-candidates.js";
export { probeWords } from "./probe-words.js";
export {
  CONTROL,
  measureProbes,
  probeSets,
  type MeasureOptions,
  type ProbeMeasurement,
  type ProbePrompt,
  type ProbeResults,
  type ProbeSample,
  type ProbeSet,
  type ProbeSetOptions,
} from "./probes.js";
export {
  describeRate,
  verdict,
  type Evidence,
  type MeasuredSet,
  type Verdict,
  type VerdictInput,
  type VerdictMode,
  type VerdictOptions,
} from "./verdict.js";
export { testHypotheses, type HypothesisOptions } from "./hypotheses.js";
