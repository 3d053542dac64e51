/**
 * The weight-diff method as an audit stage (src/methods/weight-diff.ts holds the method): the
 * audited model's LoRA adapter is decomposed, its read-side and write-side directions are read
 * as SAE latents, and the benign prompts that light up the top read directions are listed. Its
 * settings are checked here (unknown keys rejected by name) and recorded in the report; the
 * read-side ranking feeds the candidates like any other method's ranking.
 *
 * Shape legend: D d_model.
 */
import { readPeftAdapter } from "../io/peft.js";
import type { MethodRanking } from "../interpret/candidates.js";
import { attachLabels, type RankedLatent } from "../interpret/latents.js";
import type { Model } from "../model/model.js";
import { MethodInputError } from "../methods/losses.js";
import {
  diffDirections,
  rankLatentsByDiff,
  type DiffDirection,
  type DiffLatent,
  type DiffSide,
} from "../methods/weight-diff.js";
import {
  promptsAlongDirections,
  topReadDirections,
  type DirectionPrompts,
} from "../methods/weight-diff-prompts.js";
import type { LabelFile } from "../sae/labels.js";
import type { MethodContext, MethodSettings } from "./methods.js";

/** weight-diff's settings; every one is in DEFAULT_SETTINGS["weight-diff"]. */
export interface WeightDiffSettings {
  /** Singular directions kept per adapted matrix (the LoRA rank keeps them all). */
  directions: number;
  /** Fold the input RMSNorm weight into the read side (weight-diff.ts). */
  foldNorm: boolean;
  /** Which side's ranking names candidates: "read" (what the update reacts to) or "write". */
  candidateSide: DiffSide;
  /** Read directions whose benign prompts are listed (largest share of their matrix first). */
  promptDirections: number;
}

const SETTING_KEYS: (keyof WeightDiffSettings)[] = [
  "directions",
  "foldNorm",
  "candidateSide",
  "promptDirections",
];

/** Latents kept per side in the stored run. */
const KEEP = 50;

/** Typed, checked settings from the audit's settings record; unknown keys throw by name. */
export function weightDiffSettings(s: MethodSettings): WeightDiffSettings {
  for (const k of Object.keys(s)) {
    if (!(SETTING_KEYS as string[]).includes(k))
      throw new MethodInputError(
        `weight-diff: unknown setting '${k}' (known: ${SETTING_KEYS.join(", ")})`,
      );
  }
  const int = (k: keyof WeightDiffSettings, min: number) => {
    const v = Number(s[k]);
    if (!Number.isInteger(v) || v < min)
      throw new MethodInputError(`weight-diff: ${k} must be an integer ≥ ${min}, got ${s[k]}`);
    return v;
  };
  if (typeof s.foldNorm !== "boolean")
    throw new MethodInputError(`weight-diff: foldNorm must be true or false, got ${s.foldNorm}`);
  if (s.candidateSide !== "read" && s.candidateSide !== "write")
    throw new MethodInputError(
      `weight-diff: candidateSide must be read or write, got ${s.candidateSide}`,
    );
  return {
    directions: int("directions", 1),
    foldNorm: s.foldNorm,
    candidateSide: s.candidateSide,
    promptDirections: int("promptDirections", 0),
  };
}

/** One adapted matrix: its side and singular values, and its top direction's best latents. */
export interface WeightDiffMatrix {
  layer: number;
  target: string;
  side: DiffSide;
  sigmas: number[];
  /** Latents with the largest |cos| to the matrix's first singular direction. */
  topLatents: { index: number; cosine: number }[];
}

/** What the audit keeps of a weight-diff run (report.json's `weightDiff`). */
export interface WeightDiffRun {
  adapter: string;
  rank: number;
  scale: number;
  /** Latents by score per side (the first KEEP); score = d_model · mean energy share. */
  read: DiffLatent[];
  write: DiffLatent[];
  matrices: WeightDiffMatrix[];
  prompts: DirectionPrompts[];
  /** Wall seconds: the SVDs and latent scores, and the benign prompts' forward pass. */
  seconds: { directions: number; prompts: number };
}

/** The model's RMSNorm weights per adapted layer (host copies). */
async function normWeights(model: Model, layers: number[]) {
  const out = new Map<number, { ln1: Float32Array; ln2: Float32Array }>();
  for (const l of layers) {
    const p = model.params.layers[l]!;
    const read = async (x: typeof p.ln1.w) => Float32Array.from(await x.ref.data());
    out.set(l, { ln1: await read(p.ln1.w), ln2: await read(p.ln2.w) });
  }
  return out;
}

function bestLatents(dir: DiffDirection, ctx: MethodContext, n = 5) {
  const { rows, dSae, dModel: d } = ctx.decoder;
  const cos: { index: number; cosine: number }[] = [];
  for (let i = 0; i < dSae; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += rows[i * d + k]! * dir.vector[k]!;
    cos.push({ index: i, cosine: s });
  }
  return cos.sort((a, b) => Math.abs(b.cosine) - Math.abs(a.cosine)).slice(0, n);
}

/** Runs weight-diff on the audited model's adapter (no gradient; one forward for the prompts). */
export async function runWeightDiff(
  ctx: MethodContext,
  settings: MethodSettings,
): Promise<WeightDiffRun> {
  const s = weightDiffSettings(settings);
  const t0 = performance.now();
  const dir = ctx.model.adapterDir;
  if (!dir)
    throw new MethodInputError(
      "weight-diff needs the finetune as a LoRA adapter (an adapter directory or zoo organism); this model has none",
    );
  const adapter = readPeftAdapter(dir, ctx.model.config);
  const norms = s.foldNorm ? await normWeights(ctx.model, adapter.config.layers) : undefined;
  const dirs = diffDirections(adapter, ctx.model.config, {
    directions: s.directions,
    foldNorm: s.foldNorm,
    ...(norms ? { norms } : {}),
  });
  const firsts = dirs.filter((x) => x.index === 0);
  const matrices = firsts.map((f) => ({
    layer: f.layer,
    target: f.target,
    side: f.side,
    sigmas: dirs.filter((x) => x.layer === f.layer && x.target === f.target).map((x) => x.sigma),
    topLatents: bestLatents(f, ctx),
  }));
  const read = rankLatentsByDiff(dirs, ctx.decoder, "read").slice(0, KEEP);
  const write = rankLatentsByDiff(dirs, ctx.decoder, "write").slice(0, KEEP);
  const t1 = performance.now();
  const chosen = topReadDirections(dirs, s.promptDirections);
  const prompts =
    chosen.length === 0
      ? []
      : await promptsAlongDirections(
          ctx.model,
          ctx.tokenizer,
          ctx.padId,
          ctx.prompts,
          ctx.layer,
          dirs,
          chosen,
        );
  return {
    adapter: adapter.dir,
    rank: adapter.config.rank,
    scale: adapter.scale,
    read,
    write,
    matrices,
    prompts,
    seconds: { directions: (t1 - t0) / 1000, prompts: (performance.now() - t1) / 1000 },
  };
}

/** The report's view of a run: labelled latents per side and the ranking that names candidates. */
export function weightDiffReport(
  run: WeightDiffRun,
  settings: MethodSettings,
  labels: LabelFile | undefined,
  keep: number,
  depth: number,
): { report: ReportWeightDiff; rankings: MethodRanking[] } {
  const side = weightDiffSettings(settings).candidateSide;
  const latents = (xs: DiffLatent[]): RankedLatent[] => {
    const ranked = xs
      .slice(0, keep)
      .map((x) => ({ index: x.index, score: x.score, cosine: x.bestCosine, topWords: [] }));
    return labels ? attachLabels(ranked, labels) : ranked;
  };
  const report: ReportWeightDiff = {
    adapter: run.adapter,
    rank: run.rank,
    scale: run.scale,
    read: latents(run.read),
    write: latents(run.write),
    matrices: run.matrices,
    prompts: run.prompts,
    ...(run.seconds ? { seconds: run.seconds } : {}),
  };
  return {
    report,
    rankings: [{ method: `weight-diff/${side}`, latents: report[side].slice(0, depth) }],
  };
}

export interface ReportWeightDiff {
  adapter: string;
  rank: number;
  scale: number;
  read: RankedLatent[];
  write: RankedLatent[];
  matrices: WeightDiffMatrix[];
  prompts: DirectionPrompts[];
  /** Absent in runs stored before it was recorded. */
  seconds?: { directions: number; prompts: number };
}
