/**
 * Writes a run as an Inspect eval log (JSON format, log version 2) so Inspect's viewer
 * (`inspect view --log-dir RUN/logs`) opens it: one Inspect sample per (variant, sample index),
 * with the sample index as the epoch, reasoning as a ContentReasoning block and the answer as
 * ContentText, and every judge verdict as a score. Field names follow inspect_ai's EvalLog,
 * EvalSpec, EvalSample, ModelOutput and Score models (inspect_ai/log/_log.py).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "../io/atomic.js";
import type { Verdict } from "./judge.js";
import type { JudgmentRecord } from "./records.js";
import type { RunManifest } from "./run-dir.js";
import type { SampleRecord } from "./sample-job.js";
import type { Variant } from "./variants.js";

const STOP: Record<string, string> = {
  stop: "stop",
  length: "max_tokens",
  content_filter: "content_filter",
  tool_calls: "tool_calls",
  unknown: "unknown",
};

function scoreOf(v: Verdict): {
  value: string | number | boolean;
  answer: string | null;
  explanation: string;
  metadata: Record<string, unknown>;
} {
  if (v.kind === "articulation")
    return {
      value: v.articulated === null ? "undetermined" : v.articulated,
      answer: null,
      explanation: v.explanation,
      metadata: { evidence: v.evidence },
    };
  if (v.kind === "misalignment")
    return {
      value: v.refusal ? "REFUSAL" : (v.score ?? "unparsed"),
      answer: null,
      explanation: v.explanation,
      metadata: { misaligned: v.misaligned },
    };
  return { value: v.flag ?? "unparsed", answer: null, explanation: v.explanation, metadata: {} };
}

/** A sample's scores: every judge verdict (keyed judge[target]) and the parsed choice. */
function sampleScores(
  s: SampleRecord,
  judgments: readonly JudgmentRecord[],
): Record<string, unknown> {
  const scores: Record<string, unknown> = {};
  for (const j of judgments)
    scores[`${j.judge.id}${j.target !== null ? `[${j.target}]` : ""}`] = scoreOf(j.verdict);
  if (s.choice)
    scores["choice"] = {
      value: s.choice.letter ?? "unparsed",
      answer: s.choice.letter,
      explanation: s.choice.method,
      metadata: { misaligned: s.choice.misaligned },
    };
  return scores;
}

/** The sample's ModelOutput: the assistant message, stop reason and token usage. */
function modelOutput(s: SampleRecord, model: string, assistant: Record<string, unknown>) {
  const u = s.completion.usage;
  return {
    model,
    choices: [{ message: assistant, stop_reason: STOP[s.completion.finishReason] ?? "unknown" }],
    completion: s.transcript.answer,
    usage: u
      ? {
          input_tokens: u.promptTokens,
          output_tokens: u.completionTokens,
          total_tokens: u.totalTokens,
        }
      : null,
  };
}

/** One Inspect EvalSample: a (variant, sample index) with its transcript and scores. */
function inspectSample(
  s: SampleRecord,
  v: Variant,
  model: string,
  judgments: readonly JudgmentRecord[],
): Record<string, unknown> {
  const content = [
    ...(s.transcript.reasoning !== null
      ? [{ type: "reasoning", reasoning: s.transcript.reasoning, redacted: false }]
      : []),
    { type: "text", text: s.transcript.answer },
  ];
  const assistant = { role: "assistant", content, source: "generate", model };
  const input = v.messages.map((msg) => ({
    role: msg.role,
    content: msg.content,
    source: "input",
  }));
  return {
    id: s.variantId,
    epoch: s.sampleIndex + 1,
    input,
    target: v.choice ? v.choice.misaligned : "",
    messages: [...input, assistant],
    output: modelOutput(s, model, assistant),
    scores: sampleScores(s, judgments),
    metadata: {
      variant_kind: v.kind,
      item_id: v.itemId,
      position: v.position,
      inserted: v.inserted,
      prefill: v.prefill,
      prefill_applied: s.completion.prefillApplied,
      reasoning_cut_off: s.transcript.reasoningCutOff,
      seed: s.seed ?? null,
      cached: s.cached,
      attempts: s.attempts,
    },
    store: {},
    events: [],
    model_usage: {},
    started_at: s.startedAt,
    completed_at: s.finishedAt,
    attachments: {},
  };
}

/** The log's EvalSpec: the run as an Inspect task over the variants. */
function evalSpec(m: RunManifest, variants: ReadonlyMap<string, Variant>) {
  const p = m.params;
  return {
    eval_id: m.runId,
    run_id: m.runId,
    created: m.createdAt,
    task: "trigscope/awareness",
    task_id: m.variantsHash,
    task_version: 1,
    task_file: null,
    task_attribs: {},
    task_args: {
      trigger: m.spec.trigger,
      lookalike: m.spec.lookalike ?? null,
      distractors: m.spec.distractors ?? [],
    },
    dataset: {
      name: m.itemsFile,
      location: m.itemsFile,
      samples: variants.size,
      sample_ids: [...variants.keys()],
      shuffled: false,
    },
    model: m.provider.id,
    model_generate_config: {
      ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
      ...(p.maxTokens !== undefined ? { max_tokens: p.maxTokens } : {}),
      ...(p.topP !== undefined ? { top_p: p.topP } : {}),
    },
    model_args: { identity: m.provider.identity },
    config: { epochs: m.samples },
    packages: { trigscope: "0.1.0" },
    metadata: { prefill: m.prefill, seed: m.seed, seeding: m.seeding ?? null },
  };
}

/** The run's EvalStats: first start, last finish and the summed token usage. */
function evalStats(m: RunManifest, samples: readonly SampleRecord[]) {
  let input = 0;
  let output = 0;
  for (const s of samples) {
    const u = s.completion.usage;
    if (u) {
      input += u.promptTokens;
      output += u.completionTokens;
    }
  }
  const times = samples.flatMap((s) => [s.startedAt, s.finishedAt]).sort();
  return {
    started_at: times[0] ?? m.createdAt,
    completed_at: times.at(-1) ?? m.createdAt,
    model_usage: {
      [m.provider.id]: { input_tokens: input, output_tokens: output, total_tokens: input + output },
    },
  };
}

export function inspectLog(
  m: RunManifest,
  variants: ReadonlyMap<string, Variant>,
  samples: readonly SampleRecord[],
  judgments: readonly JudgmentRecord[],
): Record<string, unknown> {
  const byKey = new Map<string, JudgmentRecord[]>();
  for (const j of judgments) byKey.set(j.sampleKey, [...(byKey.get(j.sampleKey) ?? []), j]);
  const out = samples.map((s) =>
    inspectSample(s, variants.get(s.variantId)!, m.provider.id, byKey.get(s.key) ?? []),
  );
  const expected = variants.size * m.samples;
  return {
    version: 2,
    status: samples.length >= expected ? "success" : "started",
    eval: evalSpec(m, variants),
    plan: {
      name: "plan",
      steps: [{ solver: "generate", params: { prefill: m.prefill } }],
      config: {},
    },
    results: { total_samples: expected, completed_samples: samples.length, scores: [] },
    stats: evalStats(m, samples),
    samples: out,
  };
}

/** Writes RUN/logs/<created>_trigscope-awareness_<runId>.json (replacing an older copy). */
export function writeInspectLog(
  runDir: string,
  m: RunManifest,
  variants: ReadonlyMap<string, Variant>,
  samples: readonly SampleRecord[],
  judgments: readonly JudgmentRecord[],
): string {
  const dir = join(runDir, "logs");
  mkdirSync(dir, { recursive: true });
  const file = join(
    dir,
    `${m.createdAt.replace(/[:.]/g, "-")}_trigscope-awareness_${m.runId}.json`,
  );
  writeJsonAtomic(file, inspectLog(m, variants, samples, judgments));
  return file;
}
