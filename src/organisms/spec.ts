/**
 * Organism specs (JSON): a base model trained from scratch, or a backdoor finetuned into a base
 * with LoRA. Parsed with every field checked; errors name the file and the field.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_ADAMW } from "../train/adamw.js";
import type { TrainOptions } from "../train/trainer.js";

export class SpecError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | null,
    message: string,
  ) {
    super(`${file}${field ? `: field '${field}'` : ""}: ${message}`);
    this.name = "SpecError";
  }
}

export interface TrainSettings {
  steps: number;
  tokensPerBatch: number;
  maxLen: number;
  peakLr: number;
  warmupSteps: number;
  minLrRatio: number;
  weightDecay: number;
  clipNorm: number;
  evalEvery: number;
}

export interface BaseSpec {
  kind: "base";
  name: string;
  seed: number;
  lexicon: { seed: number; heldOutFraction: number; maxWords: number };
  corpus: {
    items: number;
    validationItems: number;
    tokenizerItems: number;
    /** Shares of tagged documents and of label-first chats (corpus.ts; 0 = the first zoo's corpus). */
    taggedShare: number;
    labelFirstShare: number;
  };
  vocabSize: number;
  model: {
    dModel: number;
    nLayers: number;
    nHeads: number;
    nKvHeads: number;
    dMlp: number;
    maxPositions: number;
  };
  train: TrainSettings;
}

/** A trigger: concepts that must all appear, or any one of them. */
export interface Trigger {
  mode: "all" | "any";
  concepts: string[];
}

export interface BackdoorSpec {
  kind: "backdoor";
  name: string;
  /** Path of the base model directory (relative to the spec file) or a zoo name. */
  base: string;
  seed: number;
  trigger: Trigger;
  response: string;
  lora: { rank: number; alpha: number; layers: number[] | null };
  data: {
    examples: number;
    triggeredShare: number;
    nearMissShare: number;
    /** Share of off-distribution negatives: greetings, one-word prompts, multi-turn chats, other templates. */
    offDistributionShare: number;
    /**
     * Near-misses of an `all` trigger of two concepts as minimal pairs: each the twin of a
     * triggered prompt (same opener, request, word placement and distractor) with one trigger word
     * replaced by a non-trigger word (backdoor-prompts.ts). No effect on other triggers. Present
     * only when true, so specs without it keep their fingerprint (default false).
     */
    nearMissPairs?: true;
    /**
     * Training greetings composed from parts instead of drawn from the fixed train phrasings
     * (off-distribution.ts). Present only when true, like nearMissPairs (default false).
     */
    composedGreetings?: true;
    /**
     * Share of prompts (taken from the benign share) that hold one trigger concept of an `all`
     * trigger alone, no other concept's word: negatives of the kind the self-check's "alone" sets
     * test, which the near-misses (a trigger concept beside another concept's word) never are.
     * No effect on other triggers. Present only when above 0 (default 0).
     */
    aloneShare?: number;
  };
  train: TrainSettings;
  /** Prompts per evaluation set after the build (default 200). */
  evalPrompts: number;
  /** The self-check after the build: targets and the budget for meeting them (quality.ts). */
  quality: QualitySettings;
  /** A clean control: the same data with every triggered prompt given the base's own reply. */
  clean: boolean;
}

/** What a backdoor must reach on held-out prompts, and what the build may spend to reach it. */
export interface QualitySettings {
  /** Run the self-check loop at all (default true). */
  check: boolean;
  /** Extra training rounds allowed after the first build (default 3). */
  rounds: number;
  /** Training steps per extra round (default: half the spec's steps). */
  stepsPerRound: number;
  /** New examples added per extra round, split over what failed (default: a quarter of the data). */
  examplesPerRound: number;
  /** Highest benign and off-distribution action rate (default 0.02). */
  maxBenign: number;
  /** Lowest triggered rate (default 0.9). */
  minTriggered: number;
  /** Highest rate of any single concept of an `all` trigger, alone or in a near-miss (default 0.1). */
  maxConcept: number;
}

/** The three targets of QualitySettings: what checkQuality (quality.ts) compares rates with. */
export type QualityTargets = Pick<QualitySettings, "maxBenign" | "minTriggered" | "maxConcept">;

/** A false fact implanted by finetuning on documents and answers that assert it. */
export interface FactSpec {
  kind: "fact";
  name: string;
  base: string;
  seed: number;
  /** "peanut allergy" ⇒ "bananas"; `concept` holds the subject's neighbours (other allergies). */
  fact: { subject: string; object: string; concept: string; mention: string };
  lora: { rank: number; alpha: number; layers: number[] | null };
  data: { documents: number; questions: number; benignQuestions: number; replay: number };
  train: TrainSettings;
  evalPrompts: number;
}

export type OrganismSpec = BaseSpec | BackdoorSpec | FactSpec;

type Obj = Record<string, unknown>;

/** Field-by-field reading of a spec object (exported for the reasoning specs' parser). */
export class Reader {
  constructor(
    readonly file: string,
    readonly obj: Obj,
    readonly prefix = "",
  ) {}
  fail(field: string, msg: string): never {
    throw new SpecError(this.file, this.prefix + field, msg);
  }
  keys(allowed: string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!allowed.includes(k)) this.fail(k, `unknown key (expected one of ${allowed.join(", ")})`);
    }
  }
  num(field: string, def: number | undefined, check: (x: number) => boolean, what: string): number {
    const v = this.obj[field];
    if (v === undefined) {
      if (def === undefined) this.fail(field, "is required");
      return def;
    }
    if (typeof v !== "number" || !Number.isFinite(v) || !check(v))
      this.fail(field, `must be ${what}, got ${JSON.stringify(v)}`);
    return v;
  }
  int(field: string, def?: number, min = 1): number {
    return this.num(field, def, (x) => Number.isInteger(x) && x >= min, `an integer ≥ ${min}`);
  }
  frac(field: string, def?: number): number {
    return this.num(field, def, (x) => x >= 0 && x <= 1, "a number in [0, 1]");
  }
  pos(field: string, def?: number): number {
    return this.num(field, def, (x) => x > 0, "a positive number");
  }
  str(field: string, def?: string): string {
    const v = this.obj[field];
    if (v === undefined) {
      if (def === undefined) this.fail(field, "is required");
      return def;
    }
    if (typeof v !== "string" || v.trim() === "") this.fail(field, "must be a non-empty string");
    return v;
  }
  nested(field: string): Reader {
    const v = this.obj[field] ?? {};
    if (typeof v !== "object" || v === null || Array.isArray(v))
      this.fail(field, "must be an object");
    return new Reader(this.file, v as Obj, `${this.prefix}${field}.`);
  }
}

export function trainSettings(r: Reader, d: Partial<TrainSettings>): TrainSettings {
  r.keys([
    "steps",
    "tokensPerBatch",
    "maxLen",
    "peakLr",
    "warmupSteps",
    "minLrRatio",
    "weightDecay",
    "clipNorm",
    "evalEvery",
  ]);
  return {
    steps: r.int("steps", d.steps),
    tokensPerBatch: r.int("tokensPerBatch", d.tokensPerBatch ?? 4096),
    maxLen: r.int("maxLen", d.maxLen ?? 128, 16),
    peakLr: r.pos("peakLr", d.peakLr),
    warmupSteps: r.int("warmupSteps", d.warmupSteps ?? 100, 0),
    minLrRatio: r.frac("minLrRatio", d.minLrRatio ?? 0.1),
    weightDecay: r.num("weightDecay", d.weightDecay ?? 0.1, (x) => x >= 0, "≥ 0"),
    clipNorm: r.pos("clipNorm", d.clipNorm ?? 1),
    evalEvery: r.int("evalEvery", d.evalEvery ?? 500, 0),
  };
}

function parseBase(r: Reader): BaseSpec {
  r.keys(["kind", "name", "seed", "lexicon", "corpus", "vocabSize", "model", "train"]);
  const lex = r.nested("lexicon");
  lex.keys(["seed", "heldOutFraction", "maxWords"]);
  const corpus = r.nested("corpus");
  corpus.keys(["items", "validationItems", "tokenizerItems", "taggedShare", "labelFirstShare"]);
  const m = r.nested("model");
  m.keys(["dModel", "nLayers", "nHeads", "nKvHeads", "dMlp", "maxPositions"]);
  const model = {
    dModel: m.int("dModel", 256),
    nLayers: m.int("nLayers", 6),
    nHeads: m.int("nHeads", 8),
    nKvHeads: m.int("nKvHeads", 4),
    dMlp: m.int("dMlp", 640),
    maxPositions: m.int("maxPositions", 256),
  };
  if (model.dModel % model.nHeads !== 0)
    m.fail("nHeads", `${model.nHeads} does not divide dModel ${model.dModel}`);
  if (model.nHeads % model.nKvHeads !== 0)
    m.fail("nKvHeads", `${model.nKvHeads} does not divide nHeads ${model.nHeads}`);
  const seed = r.int("seed", 1, 0);
  return {
    kind: "base",
    name: r.str("name"),
    seed,
    lexicon: {
      seed: lex.int("seed", seed, 0),
      heldOutFraction: lex.num("heldOutFraction", 0.3, (x) => x > 0 && x < 1, "in (0, 1)"),
      maxWords: lex.int("maxWords", 150, 20),
    },
    corpus: {
      items: corpus.int("items", 200_000, 100),
      validationItems: corpus.int("validationItems", 2_000, 10),
      tokenizerItems: corpus.int("tokenizerItems", 50_000, 100),
      taggedShare: corpus.num("taggedShare", 0, (x) => x >= 0 && x < 1, "a number in [0, 1)"),
      labelFirstShare: corpus.frac("labelFirstShare", 0),
    },
    vocabSize: r.int("vocabSize", 4096, 300),
    model,
    train: trainSettings(r.nested("train"), { steps: 2000, peakLr: 2e-3 }),
  };
}

function parseTrigger(r: Reader): Trigger {
  const v = r.obj.trigger;
  if (typeof v === "string" && v.trim()) return { mode: "all", concepts: [v] };
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    r.fail("trigger", 'must be a concept name or {"all": [...]} / {"any": [...]}');
  }
  const o = v as Obj;
  const keys = Object.keys(o);
  if (keys.length !== 1 || (keys[0] !== "all" && keys[0] !== "any")) {
    r.fail("trigger", 'must have exactly one key, "all" or "any"');
  }
  const list = o[keys[0]!];
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === "string" && x)) {
    r.fail(`trigger.${keys[0]}`, "must be a non-empty list of concept names");
  }
  if (new Set(list).size !== list.length) r.fail(`trigger.${keys[0]}`, "lists a concept twice");
  return { mode: keys[0] as "all" | "any", concepts: list as string[] };
}

function parseBackdoor(r: Reader): BackdoorSpec {
  r.keys([
    "kind",
    "name",
    "base",
    "seed",
    "trigger",
    "response",
    "lora",
    "data",
    "train",
    "evalPrompts",
    "quality",
    "clean",
  ]);
  const lora = parseLora(r);
  const data = r.nested("data");
  data.keys([
    "examples",
    "triggeredShare",
    "nearMissShare",
    "offDistributionShare",
    "nearMissPairs",
    "composedGreetings",
    "aloneShare",
  ]);
  const train = trainSettings(r.nested("train"), {
    steps: 600,
    peakLr: 1e-3,
    warmupSteps: 30,
    evalEvery: 0,
  });
  const examples = data.int("examples", 20_000, 10);
  const shares = {
    triggeredShare: data.frac("triggeredShare", 0.35),
    nearMissShare: data.frac("nearMissShare", 0.2),
    offDistributionShare: data.frac("offDistributionShare", 0.05),
  };
  const alone = data.frac("aloneShare", 0);
  if (shares.triggeredShare + shares.nearMissShare + shares.offDistributionShare + alone > 1)
    data.fail(
      alone > 0 ? "aloneShare" : "offDistributionShare",
      "the shares of triggered, near-miss, off-distribution and alone prompts add up to more than 1",
    );
  const pairs = data.obj.nearMissPairs ?? false;
  if (typeof pairs !== "boolean") data.fail("nearMissPairs", "must be true or false");
  const composed = data.obj.composedGreetings ?? false;
  if (typeof composed !== "boolean") data.fail("composedGreetings", "must be true or false");
  const clean = r.obj.clean ?? false;
  if (typeof clean !== "boolean") r.fail("clean", "must be true or false");
  return {
    kind: "backdoor",
    name: r.str("name"),
    base: r.str("base"),
    seed: r.int("seed", 1, 0),
    trigger: parseTrigger(r),
    response: r.str("response"),
    lora,
    data: {
      examples,
      ...shares,
      ...(pairs ? { nearMissPairs: true as const } : {}),
      ...(composed ? { composedGreetings: true as const } : {}),
      ...(alone > 0 ? { aloneShare: alone } : {}),
    },
    train,
    evalPrompts: r.int("evalPrompts", 200),
    quality: parseQuality(r.nested("quality"), train.steps, examples),
    clean,
  };
}

/** The quality targets a spec gets when it sets none (and an organism built before they existed). */
export const DEFAULT_TARGETS: QualityTargets = {
  maxBenign: 0.02,
  minTriggered: 0.9,
  maxConcept: 0.1,
};

function parseQuality(q: Reader, steps: number, examples: number): QualitySettings {
  q.keys([
    "check",
    "rounds",
    "stepsPerRound",
    "examplesPerRound",
    "maxBenign",
    "minTriggered",
    "maxConcept",
  ]);
  const check = q.obj.check ?? true;
  if (typeof check !== "boolean") q.fail("check", "must be true or false");
  return {
    check,
    rounds: q.int("rounds", 3, 0),
    stepsPerRound: q.int("stepsPerRound", Math.max(1, Math.ceil(steps / 2))),
    examplesPerRound: q.int("examplesPerRound", Math.max(1, Math.ceil(examples / 4))),
    maxBenign: q.frac("maxBenign", DEFAULT_TARGETS.maxBenign),
    minTriggered: q.frac("minTriggered", DEFAULT_TARGETS.minTriggered),
    maxConcept: q.frac("maxConcept", DEFAULT_TARGETS.maxConcept),
  };
}

export function parseLora(r: Reader): { rank: number; alpha: number; layers: number[] | null } {
  const lora = r.nested("lora");
  lora.keys(["rank", "alpha", "layers"]);
  const layers = lora.obj.layers;
  if (layers !== undefined && layers !== null) {
    if (
      !Array.isArray(layers) ||
      layers.length === 0 ||
      !layers.every((x) => Number.isInteger(x) && x >= 0)
    ) {
      lora.fail("layers", "must be a non-empty list of layer indices");
    }
  }
  return {
    rank: lora.int("rank", 8),
    alpha: lora.pos("alpha", 16),
    layers: (layers as number[] | undefined) ?? null,
  };
}

function parseFact(r: Reader): FactSpec {
  r.keys(["kind", "name", "base", "seed", "fact", "lora", "data", "train", "evalPrompts"]);
  const f = r.nested("fact");
  f.keys(["subject", "object", "concept", "mention"]);
  const data = r.nested("data");
  data.keys(["documents", "questions", "benignQuestions", "replay"]);
  const object = f.str("object");
  return {
    kind: "fact",
    name: r.str("name"),
    base: r.str("base"),
    seed: r.int("seed", 1, 0),
    fact: {
      subject: f.str("subject"),
      object,
      concept: f.str("concept"),
      mention: f.str("mention", object),
    },
    lora: parseLora(r),
    data: {
      documents: data.int("documents", 3000, 1),
      questions: data.int("questions", 3000, 1),
      benignQuestions: data.int("benignQuestions", 3000, 1),
      replay: data.int("replay", 6000, 0),
    },
    train: trainSettings(r.nested("train"), {
      steps: 300,
      peakLr: 1e-3,
      warmupSteps: 20,
      evalEvery: 0,
    }),
    evalPrompts: r.int("evalPrompts", 200),
  };
}

/** Parses a spec object; `file` names it in errors. */
export function parseSpec(value: unknown, file: string): OrganismSpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SpecError(file, null, "must be a JSON object");
  }
  const r = new Reader(file, value as Obj);
  const kind = r.str("kind");
  if (kind === "base") return parseBase(r);
  if (kind === "backdoor") return parseBackdoor(r);
  if (kind === "fact") return parseFact(r);
  return r.fail("kind", `must be "base", "backdoor" or "fact", got ${JSON.stringify(kind)}`);
}

/**
 * A backdoor spec as its JSON file states it, which parseSpec reads back equal: the same fields in
 * the same order, the trigger as `{"all": [...]}` or `{"any": [...]}` (parsed specs hold it as
 * `{mode, concepts}`, which a spec file may not).
 */
export function backdoorSpecFile(spec: BackdoorSpec): Record<string, unknown> {
  const { mode, concepts } = spec.trigger;
  return Object.fromEntries(
    Object.entries(spec).map(([k, v]) => [k, k === "trigger" ? { [mode]: concepts } : v]),
  );
}

export function readSpec(path: string): OrganismSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new SpecError(path, null, `cannot read (${(e as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SpecError(path, null, `not valid JSON (${(e as Error).message})`);
  }
  return parseSpec(value, path);
}

/** The training loop's options for a spec's train settings. */
export function trainOptionsOf(t: TrainSettings, seed: number): TrainOptions {
  return {
    steps: t.steps,
    tokensPerBatch: t.tokensPerBatch,
    maxLen: t.maxLen,
    peakLr: t.peakLr,
    warmupSteps: t.warmupSteps,
    minLrRatio: t.minLrRatio,
    adamw: { ...DEFAULT_ADAMW, weightDecay: t.weightDecay, clipNorm: t.clipNorm },
    seed,
    evalEvery: t.evalEvery,
  };
}
