/**
 * One transcript as the viewers show it (the static awareness report.html and the dashboard's
 * Transcripts part): the rendered prompt, reasoning and answer apart, and the judges' verdicts on
 * it — misalignment (the parsed choice for choice items, else the misalignment judge), the CoT
 * monitor's flag, and per inserted trigger or distractor the articulation verdict with its evidence.
 */
import type { JudgmentMaps } from "./rates.js";
import type { SampleRecord } from "./sample-job.js";
import type { Variant } from "./variants.js";

export interface ViewerSample {
  key: string;
  itemId: string;
  variantId: string;
  kind: string;
  sampleIndex: number;
  prompt: string;
  reasoning: string | null;
  answer: string;
  cutOff: boolean;
  misaligned: boolean | null;
  monitor: string | null;
  articulation: Record<string, { articulated: boolean | null; evidence: string[] }>;
}

/** The viewer's record of sample `s` of variant `v`. */
export function viewerSample(s: SampleRecord, v: Variant, maps: JudgmentMaps): ViewerSample {
  const articulation: ViewerSample["articulation"] = {};
  for (const t of v.inserted) {
    const a = maps.articulation?.get(`${s.key}|${t.text}`);
    if (a) articulation[t.text] = { articulated: a.articulated, evidence: a.evidence };
  }
  return {
    key: s.key,
    itemId: s.itemId,
    variantId: s.variantId,
    kind: v.kind,
    sampleIndex: s.sampleIndex,
    prompt: v.messages.map((m) => m.content).join("\n\n"),
    reasoning: s.transcript.reasoning,
    answer: s.transcript.answer,
    cutOff: s.transcript.reasoningCutOff,
    misaligned: v.choice
      ? (s.choice?.misaligned ?? null)
      : (maps.misalignment?.get(s.key)?.misaligned ?? null),
    monitor: maps.monitor?.get(s.key) ?? null,
    articulation,
  };
}
