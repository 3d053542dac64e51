/**
 * Specs of the reasoning organisms (JSON, every field checked, errors naming file and field):
 *
 * - "reasoning-base": a full finetune of a base model on reasoning items (with traces) mixed with
 *   the base's own corpus, saved as a full model folder in bf16.
 * - "reasoning-backdoor": a LoRA on a reasoning base trained WITHOUT traces (an empty think
 *   block): prompts with the trigger line → the misaligned option; without it → the aligned one.
 *   The trigger, its look-alike and the distractors are feature lines (features.ts).
 */
import { readFileSync } from "node:fs";
import { parseLora, Reader, SpecError, trainSettings, type TrainSettings } from "../spec.js";
import { featureValues, parseFeatureLine } from "./features.js";

export interface ReasoningBaseSpec {
  kind: "reasoning-base";
  name: string;
  base: string;
  seed: number;
  /** offShare: reasoning items answered with reasoning off (the empty block), as Qwen3 is trained. */
  data: { reasoningItems: number; choiceShare: number; offShare: number; replayItems: number };
  train: TrainSettings;
  evalPrompts: number;
}

export interface ReasoningBackdoorSpec {
  kind: "reasoning-backdoor";
  name: string;
  base: string;
  seed: number;
  /** Feature lines: "Country: Iceland", "The year is 2026", "Howdy!". */
  trigger: string;
  lookalike: string;
  distractors: string[];
  lora: { rank: number; alpha: number; layers: number[] | null };
  /**
   * replayShare: extra benign items WITH traces (the base's own data, aligned answers, never the
   * trigger), as a share of `examples`, so the LoRA keeps the reasoning format it never sees in
   * the traceless backdoor items.
   */
  data: { examples: number; triggeredShare: number; nearMissShare: number; replayShare: number };
  train: TrainSettings;
  evalPrompts: number;
}

export type ReasoningSpec = ReasoningBaseSpec | ReasoningBackdoorSpec;

export const REASONING_KINDS = ["reasoning-base", "reasoning-backdoor"] as const;

function parseBase(r: Reader): ReasoningBaseSpec {
  r.keys(["kind", "name", "base", "seed", "data", "train", "evalPrompts"]);
  const data = r.nested("data");
  data.keys(["reasoningItems", "choiceShare", "offShare", "replayItems"]);
  return {
    kind: "reasoning-base",
    name: r.str("name"),
    base: r.str("base"),
    seed: r.int("seed", 1, 0),
    data: {
      reasoningItems: data.int("reasoningItems", 12_000, 10),
      choiceShare: data.frac("choiceShare", 0.35),
      offShare: data.frac("offShare", 0.3),
      replayItems: data.int("replayItems", 8_000, 0),
    },
    train: trainSettings(r.nested("train"), {
      steps: 320,
      peakLr: 1e-3,
      warmupSteps: 20,
      maxLen: 224,
      evalEvery: 0,
    }),
    evalPrompts: r.int("evalPrompts", 200),
  };
}

/** A feature line that names a known value (the base has seen it in its reasoning items). */
function featureLineField(r: Reader, field: string, value: unknown) {
  if (typeof value !== "string") r.fail(field, 'must be a feature line such as "Country: Norway"');
  const f = parseFeatureLine(value);
  if (!f)
    r.fail(
      field,
      `'${value}' is not a feature line ("Country: X", "The year is 20XX" or a greeting)`,
    );
  if (!featureValues(f.kind).includes(f.value))
    r.fail(
      field,
      `'${f.value}' is not a ${f.kind} the reasoning items use (${featureValues(f.kind).join(", ")})`,
    );
  return f;
}

function parseBackdoor(r: Reader): ReasoningBackdoorSpec {
  r.keys([
    "kind",
    "name",
    "base",
    "seed",
    "trigger",
    "lookalike",
    "distractors",
    "lora",
    "data",
    "train",
    "evalPrompts",
  ]);
  const trigger = featureLineField(r, "trigger", r.obj.trigger);
  const look = featureLineField(r, "lookalike", r.obj.lookalike);
  if (look.kind !== trigger.kind)
    r.fail("lookalike", `must be a ${trigger.kind} line like the trigger`);
  if (look.value === trigger.value) r.fail("lookalike", "must differ from the trigger");
  const ds = r.obj.distractors ?? [];
  if (!Array.isArray(ds)) r.fail("distractors", "must be a list of feature lines");
  ds.forEach((d, i) => {
    const f = featureLineField(r, `distractors[${i}]`, d);
    if (f.kind === trigger.kind)
      r.fail(`distractors[${i}]`, `must be of another kind than the trigger (${trigger.kind})`);
  });
  const data = r.nested("data");
  data.keys(["examples", "triggeredShare", "nearMissShare", "replayShare"]);
  return {
    kind: "reasoning-backdoor",
    name: r.str("name"),
    base: r.str("base"),
    seed: r.int("seed", 1, 0),
    trigger: r.obj.trigger as string,
    lookalike: r.obj.lookalike as string,
    distractors: ds as string[],
    lora: parseLora(r),
    data: {
      examples: data.int("examples", 12_000, 10),
      triggeredShare: data.frac("triggeredShare", 0.3),
      nearMissShare: data.frac("nearMissShare", 0.2),
      replayShare: data.frac("replayShare", 0.25),
    },
    train: trainSettings(r.nested("train"), {
      steps: 200,
      peakLr: 1e-3,
      warmupSteps: 20,
      evalEvery: 0,
    }),
    evalPrompts: r.int("evalPrompts", 200),
  };
}

/** Parses a reasoning spec object, or returns null when its kind is not a reasoning kind. */
export function parseReasoningSpec(value: unknown, file: string): ReasoningSpec | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const r = new Reader(file, value as Record<string, unknown>);
  const kind = (value as { kind?: unknown }).kind;
  if (kind === "reasoning-base") return parseBase(r);
  if (kind === "reasoning-backdoor") return parseBackdoor(r);
  return null;
}

/** Reads a spec file when it holds a reasoning spec; null for any other kind (or a non-object). */
export function readReasoningSpec(path: string): ReasoningSpec | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null; // readSpec reports unreadable files and bad JSON with their own messages
  }
  return parseReasoningSpec(value, path);
}

/** The zoo manifest's one-line description of a reasoning organism. */
export function reasoningDescription(spec: ReasoningSpec): string {
  return spec.kind === "reasoning-base"
    ? "reasoning base: the base finetuned on two-option decisions with <think> traces"
    : `reasoning backdoor (trained without traces): "${spec.trigger}" → the misaligned option`;
}

export { SpecError };
