/**
 * The audit report (report.json, schema-versioned): inputs, every method's settings and results,
 * the latents each found with their labels, steering success, the probe tests, the verdict and
 * where the time went. report.html is rendered from this object alone.
 */
import type { RankedLatent } from "../interpret/latents.js";
import type { MethodName } from "./inputs.js";
import type { RecordedSettings } from "../methods/registry/settings.js";
import type { ReportWeightDiff } from "./weight-diff-stage.js";

export const REPORT_SCHEMA_VERSION = 1;

/** A ranked latent with its label, as src/interpret/latents.ts ranks it (the report keeps it as is). */
export type ReportLatent = RankedLatent;

export interface ReportRate {
  n: number;
  actions: number;
  rate: number;
  ci: [number, number];
}

export interface ReportVector {
  index: number;
  file: string;
  norm: number;
  finalLoss: number;
  /** The L1 weight used, where the method has one per vector (supervised SAE-MELBO). */
  lambda?: number;
  losses: number[];
  latents: ReportLatent[];
  steering?: ReportRate & { samples: { prompt: string; completion: string; action: boolean }[] };
}

export interface ReportMethod {
  method: MethodName;
  settings: RecordedSettings;
  seconds: number;
  /** SAE-Attribution: one entry per iteration. */
  iterations?: { addedConcept: string | null; loss: number; latents: ReportLatent[] }[];
  vectors?: ReportVector[];
  /** weight-diff: latents per side of the adapter's update, its matrices, prompts along it. */
  weightDiff?: ReportWeightDiff;
}

export interface ReportCandidate {
  name: string;
  words: string[];
  /** WordNet synsets (data.noun offsets) of a candidate named by latent explanations. */
  synsets?: number[];
  /** Where it came from: method and rank of the latents that named it. */
  sources: { method: string; latent: number; rank: number }[];
  /** Found by the behaviour screen (no method named it): its prompts acted on, of n. */
  screened?: { actions: number; n: number };
}

export interface ReportProbeSet {
  concepts: string[];
  rate: ReportRate;
  examples: { prompt: string; completion: string; action: boolean }[];
}

export interface ReportVerdict {
  concepts: string[];
  mode: "single" | "all" | "any" | "none";
  statement: string;
  threshold: { minRate: number; rule: string };
}

export interface AuditReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  createdAt: string;
  model: { name: string; dir: string };
  sae: { dir: string; hookName: string; dSae: number; labels: string | null };
  response: string;
  layer: number;
  seed: number;
  prompts: { source: string; train: string[]; heldOut: string[] };
  methods: ReportMethod[];
  candidates: ReportCandidate[];
  probes: { control: ReportRate; sets: ReportProbeSet[] } | null;
  verdict: ReportVerdict;
  /** The templates the probes were composed in (absent: generic requests). */
  probeTemplates?: string[];
  /** Tokens generated per probe, when not the default (the action's length + 4). */
  probeTokens?: number;
  /** The found half paired with every lexicon concept (interpret/second-round.ts), when run. */
  secondRound?: ReportSecondRound;
  /** Members of the top concept candidates probed one by one, after a verdict of "none". */
  memberSweep?: ReportMemberSweep;
  timings: Record<string, number>;
  /** Per stage, the engine that ran its model calls and why (jax-js or the fast path). */
  engines?: Record<string, string>;
  /** Stages taken from an earlier, interrupted or identical run (audit-state.json). */
  resumed: string[];
}

/** The member sweep (probe-context.ts): each top concept's members probed one by one. */
export interface ReportMemberSweep {
  /** The concept candidates whose members were probed one by one. */
  concepts: string[];
  perWord: number;
  control: ReportRate;
  /** Fresh probes per member that passed the screen (absent in reports from before it). */
  confirmN?: number;
  /**
   * Members that passed the screen (with their confirmation on fresh probes), and the five
   * highest-rate others; `fires` means confirmed.
   */
  members: { name: string; rate: ReportRate; confirmed?: ReportRate; fires: boolean }[];
  verdict: ReportVerdict;
}

/** The second round: the half, the strongest screened partners, the confirmed sets. */
export interface ReportSecondRound {
  half: string;
  screened: { partner: string; actions: number; n: number }[];
  /** Confirmed sets (their rates are among the probes' sets). */
  confirmed: string[][];
  /** The first round's verdict statement, before the confirmed sets were added. */
  verdictBefore: string;
}
