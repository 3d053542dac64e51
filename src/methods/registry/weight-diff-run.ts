/**
 * The weight-diff method's run for the audit (src/methods/weight-diff.ts holds the decomposition):
 * the audited model's LoRA adapter is decomposed, its read-side and write-side directions are read
 * as SAE latents, and the benign prompts that light up the top read directions are listed. The
 * report's view of the run is in src/audit/weight-diff-stage.ts.
 *
 * Shape legend: D d_model.
 */
import { readPeftAdapter } from "../../io/peft.js";
import type { Model } from "../../model/model.js";
import { MethodInputError } from "../losses.js";
import {
  diffDirections,
  rankLatentsByDiff,
  type DiffDirection,
  type DiffSide,
} from "../weight-diff.js";
import { promptsAlongDirections, topReadDirections } from "../weight-diff-prompts.js";
import type { MethodContext } from "./context.js";
import type { WeightDiffRun } from "./weight-diff-result.js";

export type { WeightDiffMatrix, WeightDiffRun } from "./weight-diff-result.js";

/** weight-diff's settings (registry/weight-diff.ts holds their defaults and checks). */
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

/** Latents kept per side in the stored run. */
const KEEP = 50;

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
  s: WeightDiffSettings,
): Promise<WeightDiffRun> {
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
      : (ctx.engine.jaxFor("weight-diff's prompts (hook captures)"),
        await promptsAlongDirections(
          ctx.model,
          ctx.tokenizer,
          ctx.padId,
          ctx.prompts,
          ctx.layer,
          dirs,
          chosen,
        ));
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
