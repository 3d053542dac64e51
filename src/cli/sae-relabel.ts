/**
 * `trigscope sae relabel --labels FILE --lexicon DIR|FILE --out FILE [--seed S] [--min-auroc X]`:
 * Neuronpedia-style sentence labels for a SAE labelled with lexicon concepts
 * (src/sae/sentence-labels.ts), written as an explanation export that `audit --labels` reads, so
 * an audit can be run on labels that are sentences.
 */
import { writeJsonAtomic } from "../io/atomic.js";
import { readLexiconFile } from "../lexicon/lexicon-file.js";
import { readLabelFile } from "../sae/labels.js";
import { sentenceLabelExport } from "../sae/sentence-labels.js";
import { parseArgs, UsageError } from "./args.js";
import { register } from "./registry.js";

register({
  name: "sae relabel",
  summary: "Write sentence labels (a Neuronpedia export) from a label file's lexicon concepts",
  usage: "sae relabel --labels FILE --lexicon DIR|FILE --out FILE [--seed S] [--min-auroc X]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      labels: { type: "string" },
      lexicon: { type: "string" },
      out: { type: "string" },
      seed: { type: "number" },
      "min-auroc": { type: "number" },
    });
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    for (const f of ["labels", "lexicon", "out"] as const)
      if (!flags[f]) throw new UsageError(`--${f} is required`);
    const labels = readLabelFile(flags.labels!);
    const lexicon = readLexiconFile(flags.lexicon!);
    const out = sentenceLabelExport(labels, lexicon, {
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags["min-auroc"] !== undefined ? { minAuroc: flags["min-auroc"] } : {}),
    });
    writeJsonAtomic(flags.out!, out);
    io.stdout(
      `${out.length} of ${labels.latents.length} latents explained → ${flags.out} ` +
        `(e.g. latent ${out[0]?.index}: "${out[0]?.description}")`,
    );
    return 0;
  },
});
