/**
 * The awareness harness's public API: does a reasoning model say, in its chain of thought, that
 * its backdoor trigger drove its choice? Variants → provider → transcripts → judges → rates.
 * The CLI commands (`trigscope awareness run|judge|report|validate`, `trigscope serve`) are thin
 * layers over these functions.
 */
import "./offline-judge.js";
import "./articulation-model.js";
import "./combined-judge.js";
import "./llm-judges.js";
import "./openai-provider.js";
import "./local-generate.js";

export {
  loadItems,
  itemText,
  type Item,
  type ChoiceItem,
  type FreeItem,
  type Position,
} from "./items.js";
export {
  buildVariants,
  VARIANT_KINDS,
  type TriggerSpec,
  type Variant,
  type VariantKind,
  type VariantOptions,
} from "./variants.js";
export {
  createProvider,
  generateProvider,
  providerKinds,
  registerProviderKind,
  ProviderError,
  type ChatMessage,
  type ChatRequest,
  type Completion,
  type GenerateFn,
  type GenerateParams,
  type GenerateResult,
  type GenerationParams,
  type Provider,
  type ProviderOptions,
} from "./provider.js";
export { openaiProvider, type OpenAIProviderOptions } from "./openai-provider.js";
export { loadLocalModel, type LocalModel } from "./local-generate.js";
export { DEFAULT_RETRY, parseRetryAfter, withRetries, type RetryPolicy } from "./retry.js";
export { cachedProvider, cacheKey, ResponseCache } from "./cache.js";
export { runAwareness, type RunOptions, type RunSummary } from "./runner.js";
export {
  executeSampleJob,
  sampleKey,
  SampleJobError,
  type SampleJob,
  type SampleJobContext,
  type SampleRecord,
} from "./sample-job.js";
export type { DispatchedRun, SampleDispatch, SampleFiling } from "./dispatch.js";
export type { DispatchedJudging, JudgeDispatch, JudgeFiling, JudgeTask } from "./judge-dispatch.js";
export { readManifest, readVariants, runPaths, type RunManifest } from "./run-dir.js";
export {
  parseChoice,
  splitReasoning,
  type ParsedChoice,
  type SplitTranscript,
} from "./transcript.js";
export { inspectLog, writeInspectLog } from "./inspect-log.js";
export {
  createJudge,
  judgeLabel,
  judgeList,
  registerJudge,
  MONITOR_FLAGS,
  MISALIGNED_BELOW,
  type Judge,
  type JudgeInput,
  type Verdict,
  type ArticulationVerdict,
  type MisalignmentVerdict,
  type MonitorVerdict,
} from "./judge.js";
export {
  judgeArticulationByRules,
  DEFAULT_RULE_PARAMS,
  type ArticulationRuleParams,
  type RuleFinding,
} from "./articulation-rules.js";
export { offlineArticulationJudge, OFFLINE_ARTICULATION_ID } from "./offline-judge.js";
export { lexicalArticulationJudge, LEXICAL_ARTICULATION_ID } from "./articulation-model.js";
export {
  combinedArticulationJudge,
  COMBINED_ARTICULATION_ID,
  DEFAULT_ARTICULATION_JUDGE_ID,
} from "./combined-judge.js";
export { triggerMatcher, triggerTerms, findMentions } from "./trigger-terms.js";
export { judgeRun, collectJudgments, type JudgeRunSummary } from "./judging.js";
export type { JudgmentRecord } from "./records.js";
export { wilson, clusterBootstrap, type Interval } from "../stats/intervals.js";
export { agreement, type AgreementReport, type Metric, type Pair } from "./agreement.js";
export { computeRates, buildTrials, rateOf, type Rate, type RunRates } from "./rates.js";
export { loadLabelled, type LabelledTranscript } from "./labelled-data.js";
export {
  judgeLabelled,
  summarise,
  leaveOneTriggerOut,
  type ValidationResult,
  type LotoResult,
} from "./validate.js";
export { buildReport, type AwarenessReport } from "./report.js";
export { renderReportHtml } from "./report-html.js";
export { startChatServer, type ChatServer, type ChatServerOptions } from "./server.js";
