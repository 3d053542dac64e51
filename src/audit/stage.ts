/**
 * What every stage of one audit shares: the inputs and options, the loaded chat model, the SAE
 * decoder, the resumable state, the narration and the timings; and the options an audit takes.
 * The stages (method-run.ts, method-report.ts, candidate-stage.ts, probe-stage.ts,
 * build-report.ts) each read this and add their part; pipeline.ts runs them in order.
 */
import type { MethodName } from "../methods/registry/index.js";
import type { EngineChoice, ModelEngine } from "../model/engine-select.js";
import type { ChatModel } from "../model/text-generation.js";
import type { Progress } from "../progress/progress.js";
import type { SaeDecoder } from "../sae/decoder-space.js";
import type { ScreenCounts } from "../interpret/screened-candidates.js";
import type { AuditInputs } from "./inputs.js";
import type { ProbeContextOptions } from "./probe-context.js";
import type { AuditState } from "./state.js";

export interface AuditOptions extends ProbeContextOptions {
  out: string;
  /** Ignore a stored state and start over. */
  fresh?: boolean;
  /**
   * Per-method setting overrides, of any shape: each is checked by its method's parser
   * (src/methods/registry/), an unknown key or a wrong type is a MethodSettingsError.
   */
  settings?: Partial<Record<MethodName, unknown>>;
  /** Where forwards and steering gradients run (default "auto": the fast path where it can). */
  engine?: EngineChoice;
  /** Probe prompts per set (default 24) and candidates kept (default 3). */
  probes?: number;
  candidates?: number;
  /**
   * A behaviour screen's counts (audit/behaviour-prompts.ts): concepts it saw the model act on in
   * at least half their prompts are probed beside the methods' candidates (screened-candidates.ts).
   */
  screen?: ScreenCounts;
  /** Lines of narration ("running supervised-sae-melbo…"). */
  log?: (line: string) => void;
  /** A progress bar for a stage. */
  progress?: (label: string) => Progress;
  signal?: AbortSignal;
}

/**
 * Candidate concepts probed by default: 3 singles and 3 pairs (4 would mean 10 probe sets, a
 * third of the default audit's time on 2 cores).
 */
export const DEFAULT_CANDIDATES = 3;
/** Probe prompts per set by default. */
export const DEFAULT_PROBES = 24;
/** Latents reported per ranking. */
export const KEEP_LATENTS = 20;
/** Latents of each ranking that may name a candidate concept. */
export const CANDIDATE_DEPTH = 10;

/** Each method's checked settings (the registry entry's type, held untyped per name). */
export type AuditSettings = Partial<Record<MethodName, object>>;

export interface AuditContext {
  inputs: AuditInputs;
  o: AuditOptions;
  settings: AuditSettings;
  cm: ChatModel;
  decoder: SaeDecoder;
  state: AuditState;
  log: (line: string) => void;
  /** Seconds per stage, in the order the report lists them. */
  timings: Record<string, number>;
  /** The model's engine (src/model/engine-select.ts), shared by every stage. */
  engine: ModelEngine;
  /** Per stage, the engine(s) that ran it and why (the report's `engines`). */
  engines: Record<string, string>;
}

/** Records (and narrates) which engine ran `stage`; `reasons` as ModelEngine.takeUsed gives them. */
export function recordEngines(a: AuditContext, stage: string, reasons: readonly string[]): void {
  const line = reasons.length ? reasons.join("; ") : "no model calls";
  a.engines[stage] = line;
  a.log(`  ${stage} engine: ${line}`);
}

/**
 * Records a generation stage (steering success, probes): the engine took the model's generation
 * (pipeline.ts), so its record holds the engine of each generate() the stage made.
 */
export function recordGeneration(a: AuditContext, stage: string): void {
  recordEngines(a, stage, a.engine.takeUsed());
}

/** Seconds since `t` (a performance.now() reading). */
export const secondsSince = (t: number) => (performance.now() - t) / 1000;
