/**
 * What the dashboard's server answers (JSON over /api/…), shared by the server and the page so
 * both sides agree on one shape. Audit reports travel as report.json's own schema.
 */
import type { AuditReport } from "../audit/report.js";
import type { AwarenessReport } from "../awareness/report.js";
import type { GenerationDefaults } from "../io/generation-config.js";
import type { LatentRecord } from "../sae/labels.js";

export interface AuditSummary {
  id: string;
  model: string;
  createdAt: string;
  verdict: string;
  methods: string[];
  /** The SAE whose labels the rankings use, as /api/saes names it (null when not found). */
  saeId: string | null;
}

export interface RunSummary {
  id: string;
  runId: string;
  trigger: string;
  provider: string;
  samples: number;
}

export interface SaeSummary {
  id: string;
  hookName: string;
  dSae: number;
  labelsFile: string;
  /** The SAE directory when its weights are there (decoder rows can then be served). */
  saeDir: string | null;
}

export interface OrganismSummary {
  name: string;
  kind: string;
  description: string;
  trigger: string | null;
  response: string | null;
}

export interface IndexResponse {
  audits: AuditSummary[];
  runs: RunSummary[];
  saes: SaeSummary[];
  organisms: OrganismSummary[];
}

export interface AuditResponse {
  summary: AuditSummary;
  report: AuditReport;
}

/** One latent in the searchable index (the label file without the contexts). */
export interface LatentBrief {
  index: number;
  label: string;
  concept: string | null;
  auroc: number | null;
  /** Null when the labels came from an export that did not measure it. */
  frequency: number | null;
  topWords: string[];
}

export interface LatentIndexResponse {
  sae: SaeSummary;
  latents: LatentBrief[];
}

export interface LatentResponse {
  sae: SaeSummary;
  latent: LatentRecord;
}

/** Activation histogram over a fixed corpus's tokens where the latent is nonzero (null: no SAE weights). */
export type HistogramResponse = {
  edges: number[];
  counts: number[];
  tokens: number;
  nonzero: number;
} | null;

import type { ViewerSample } from "../awareness/viewer-sample.js";
export type { ViewerSample };

export interface RunResponse {
  summary: RunSummary;
  report: AwarenessReport;
  /** Regex sources matching the trigger and each distractor (flags "giu"). */
  triggers: { text: string; source: string }[];
  samples: ViewerSample[];
}

export interface VectorChoice {
  method: string;
  index: number;
  hookName: string;
  layer: number;
  values: number[];
}

export interface OrganismFiles {
  name: string;
  /** Parsed config.json, tokenizer.json and tokenizer_config.json (null when absent). */
  config: unknown;
  tokenizerJson: unknown;
  tokenizerConfig: unknown;
  /** generation_config.json's token ids (the page applies the same fallbacks as Node). */
  generationDefaults: GenerationDefaults;
  /** Where the merged float32 safetensors weights are served. */
  weightsUrl: string;
  weightsBytes: number;
}
