/** The audit pipeline: inputs, methods, report (JSON + HTML), resumable state. */
export {
  AuditInputError,
  DEFAULT_METHODS,
  METHOD_NAMES,
  readPromptFile,
  resolveAuditInputs,
  type AuditInputs,
  type AuditRequest,
  type MethodName,
} from "./inputs.js";
export {
  METHODS,
  MethodSettingsError,
  parseMethodSettings,
  type RecordedSettings,
} from "../methods/registry/index.js";
export { type MethodRun } from "./method-run.js";
export { runAudit, type AuditOptions } from "./pipeline.js";
export { renderReportHtml } from "./html.js";
export { REPORT_SCHEMA_VERSION, type AuditReport } from "./report.js";
export { AuditState, STATE_FILE } from "./state.js";
