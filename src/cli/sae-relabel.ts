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
import { defineCommand } from "./command.js";

defineCommand({
  name: "sae relabel",
  summary: "Write sentence labels (a Neuronpedia export) from a label file's lexicon concepts",
  options: {
    labels: { type: "string", required: true, value: "FILE", description: "a lexicon label file" },
    lexicon: { type: "string", required: true, value: "DIR|FILE", description: "the lexicon" },
    out: { type: "string", required: true, value: "FILE", description: "the export to write" },
    seed: { type: "integer", defaultText: "the labeller's", description: "phrasing seed" },
    "min-auroc": {
      type: "number",
      min: 0,
      max: 1,
      defaultText: "the labeller's",
      description: "the AUROC a concept needs to label a latent",
    },
  },
  async run({ opts: flags }, { io }) {
    const labels = readLabelFile(flags.labels);
    const lexicon = readLexiconFile(flags.lexicon);
    const out = sentenceLabelExport(labels, lexicon, {
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags["min-auroc"] !== undefined ? { minAuroc: flags["min-auroc"] } : {}),
    });
    writeJsonAtomic(flags.out, out);
    io.stdout(
      `${out.length} of ${labels.latents.length} latents explained → ${flags.out} ` +
        `(e.g. latent ${out[0]?.index}: "${out[0]?.description}")`,
    );
    return 0;
  },
});
