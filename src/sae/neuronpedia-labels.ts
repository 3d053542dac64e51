/**
 * A Neuronpedia export (neuronpedia-export.ts) as a trigscope label file, so an audit can rank and
 * name the latents of a public SAE without our lexicon labelling.
 *
 * Each latent with an explanation or activation examples becomes a label record: its label is
 * the first explanation's description (else its top words); its top words and top contexts are
 * computed from its examples exactly as `sae label` computes them from a corpus (labelLatents on
 * the examples, each example its own document); frequency is the features' frac_nonzero and the
 * largest activation the examples' largest value (else the features' maxActApprox). Either is
 * left out when the export does not carry it. Top words from examples describe where the latent
 * fires most, not its whole distribution.
 */
import { labelLatents } from "./label-latents.js";
import { LABEL_FILE_VERSION, type LabelFile, type LatentRecord } from "./labels.js";
import type { NeuronpediaExample, NeuronpediaExport } from "./neuronpedia-export.js";

export interface NeuronpediaLabelOptions {
  /** The SAE the labels are for: its hook and width (indices must be below dSae). */
  hookName: string;
  dSae: number;
  /** Contexts and words kept per latent (10), words named in a top-words label (3). */
  topK?: number;
  labelWords?: number;
  /** Further `sae` metadata for the label file (the export's path, model, …). */
  sae?: Record<string, unknown>;
}
const LABEL_KEYS = new Set(["hookName", "dSae", "topK", "labelWords", "sae"]);

/** The label file of an export: one record per latent that has an explanation or examples. */
export function neuronpediaLabelFile(
  exp: NeuronpediaExport,
  o: NeuronpediaLabelOptions,
): LabelFile {
  for (const k of Object.keys(o)) {
    if (!LABEL_KEYS.has(k)) throw new Error(`neuronpediaLabelFile: unknown option '${k}'`);
  }
  const indices = [...new Set([...exp.explanations.keys(), ...exp.examples.keys()])].sort(
    (a, b) => a - b,
  );
  const latents: LatentRecord[] = [];
  for (const index of indices) {
    if (index >= o.dSae) {
      throw new Error(
        `Neuronpedia export: latent ${index} is outside the SAE's ${o.dSae} latents (is it the export of another SAE?)`,
      );
    }
    latents.push(latentRecord(index, exp, o));
  }
  return {
    version: LABEL_FILE_VERSION,
    sae: { ...(o.sae ?? {}), hookName: o.hookName, dSae: o.dSae, source: "neuronpedia" },
    latents,
  };
}

function latentRecord(
  index: number,
  exp: NeuronpediaExport,
  o: NeuronpediaLabelOptions,
): LatentRecord {
  const examples = exp.examples.get(index) ?? [];
  const feature = exp.features.get(index);
  const description = exp.explanations.get(index)?.[0]?.description;
  const record: LatentRecord = { index, label: "", topWords: [], topContexts: [] };
  if (examples.length > 0) {
    const fromExamples = labelExamples(examples, o);
    record.topWords = fromExamples.topWords;
    record.topContexts = fromExamples.topContexts;
    record.label = fromExamples.label;
    record.maxActivation = Math.max(...examples.flatMap((e) => e.values));
  } else if (feature?.maxActApprox !== undefined) record.maxActivation = feature.maxActApprox;
  if (description !== undefined) {
    // The explanation names the latent, and the audit maps it to concepts (sentence-concepts.ts).
    record.label = description.trim();
    record.explanation = description.trim();
  }
  if (feature?.fracNonzero !== undefined) record.frequency = feature.fracNonzero;
  return record;
}

/**
 * labelLatents on one latent's examples (each its own document, no lexicon); top contexts' token
 * indices are counted within their own example.
 */
function labelExamples(examples: NeuronpediaExample[], o: NeuronpediaLabelOptions): LatentRecord {
  const tokens = examples.flatMap((e) => e.tokens);
  const docIds = Int32Array.from(examples.flatMap((e, d) => e.tokens.map(() => d)));
  const starts: number[] = [];
  let at = 0;
  for (const e of examples) {
    starts.push(at);
    at += e.tokens.length;
  }
  const r = labelLatents({
    tokens,
    words: tokens.map(() => null),
    activations: Float32Array.from(examples.flatMap((e) => e.values)),
    dSae: 1,
    docIds,
    ...(o.topK !== undefined ? { topK: o.topK } : {}),
    ...(o.labelWords !== undefined ? { labelWords: o.labelWords } : {}),
  });
  const rec = r.latents[0]!;
  for (const c of rec.topContexts) c.tokenIndex -= starts[docIds[c.tokenIndex]!]!;
  return rec;
}
