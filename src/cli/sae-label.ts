/**
 * `trigscope sae label --model DIR --sae DIR --out FILE [--sae-hook HOOK] [--text FILE]
 *  [--lexicon FILE] [--tokens N] [--device wasm|webgpu]` (--sae may also name a GemmaScope
 *  params.npz; --sae-hook gives the hook its folders do not),
 * `trigscope sae label --sae DIR --neuronpedia EXPORT --out FILE`: the same label file from a
 *  Neuronpedia export of that SAE (neuronpedia-labels.ts) instead of from running the model.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { initEngine } from "../engine/device.js";
import { findModelDir } from "../io/model-ref.js";
import { loadChatModel } from "../model/text-generation.js";
import { corpusTexts } from "../organisms/corpus-texts.js";
import { readLexiconFile, type LexiconFile } from "../lexicon/lexicon-file.js";
import { labelSaeOnTexts } from "../sae/label-corpus.js";
import { writeLabelFile } from "../sae/labels.js";
import { readNeuronpediaExport } from "../sae/neuronpedia-export.js";
import { neuronpediaLabelFile } from "../sae/neuronpedia-labels.js";
import { checkSaeForModel, loadSae } from "../sae/load.js";
import { defineCommand } from "./command.js";
import { DEVICE_IF_GIVEN } from "./common-options.js";
import { UsageError } from "./options.js";
import { SAE_HOOK, saeHookOption } from "./sae-hook.js";

/** --tokens and --device have no default value here, so that --neuronpedia can reject them. */
const OPTIONS = {
  model: { type: "string", value: "DIR", description: "the model (or give --neuronpedia)" },
  neuronpedia: { type: "string", value: "EXPORT", description: "label from a Neuronpedia export" },
  sae: { type: "string", required: true, value: "DIR|params.npz", description: "the SAE" },
  out: { type: "string", required: true, value: "FILE", description: "the label file to write" },
  "sae-hook": SAE_HOOK,
  text: {
    type: "string",
    value: "FILE",
    defaultText: "the organism's corpus",
    description: "text, one document per line",
  },
  lexicon: {
    type: "string",
    value: "FILE",
    defaultText: "DIR/lexicon.json if present",
    description: "concepts to score latents against",
  },
  tokens: {
    type: "integer",
    min: 1,
    defaultText: "100000",
    description: "tokens of text to label on",
  },
  device: DEVICE_IF_GIVEN,
} as const;

defineCommand({
  name: "sae label",
  summary: "Label every latent of a SAE: top contexts and words, best lexicon concept by AUROC",
  usage: "(--model DIR | --neuronpedia EXPORT) --sae DIR|params.npz --out FILE [options]",
  options: OPTIONS,
  async run({ opts: flags }, { io, progress }) {
    if (flags.neuronpedia) {
      for (const f of ["model", "text", "lexicon", "tokens", "device"] as const)
        if (flags[f] !== undefined) throw new UsageError(`--${f} does not go with --neuronpedia`);
      return importNeuronpedia(flags, io);
    }
    if (!flags.model) throw new UsageError("--model is required");
    const maxTokens = flags.tokens ?? 100_000;
    await initEngine(flags.device ?? "wasm");
    const dir = findModelDir(flags.model).dir;
    const sae = loadSae(flags.sae, saeHookOption(flags["sae-hook"]));
    const cm = await loadChatModel(dir);
    try {
      checkSaeForModel(sae, cm.model.config);
      let lexicon: LexiconFile | undefined;
      if (flags.lexicon) lexicon = readLexiconFile(flags.lexicon);
      else if (existsSync(join(dir, "lexicon.json"))) lexicon = readLexiconFile(dir);
      const texts = corpusTexts(dir, {
        ...(flags.text ? { textFile: flags.text } : {}),
        bos: cm.tokenizer.bosToken ?? "",
        seedOffset: 2000,
        tokens: maxTokens,
      });
      const r = await labelSaeOnTexts({
        model: cm.model,
        tokenizer: cm.tokenizer,
        sae,
        texts,
        ...(lexicon ? { lexicon } : {}),
        maxTokens,
        progress: progress("sae label"),
      });
      writeLabelFile(flags.out, {
        version: 1,
        sae: {
          hookName: sae.config.hookName,
          dSae: sae.config.dSae,
          source: sae.source,
          tokens: r.tokens,
        },
        latents: r.latents,
        ...(lexicon
          ? {
              concepts: r.concepts.map((c) => ({
                concept: c.concept,
                positives: c.positives,
                latent: c.latent,
                auroc: c.auroc,
              })),
            }
          : {}),
      });
      for (const w of r.warnings) io.stderr(`warning: ${w}`);
      const strong = r.concepts.filter((c) => (c.auroc ?? 0) >= 0.9);
      const dead = r.latents.filter((l) => l.label === "dead").length;
      io.stdout(
        `labelled ${r.latents.length} latents on ${r.tokens} tokens → ${flags.out}; dead ${dead}; ` +
          `${strong.length}/${r.concepts.length} concepts have a latent with AUROC ≥ 0.9`,
      );
      return 0;
    } finally {
      cm.model.dispose();
    }
  },
});

/** `sae label --neuronpedia`: the label file of a Neuronpedia export, for the SAE it describes. */
function importNeuronpedia(
  flags: { sae?: string; "sae-hook"?: string; out?: string; neuronpedia?: string },
  io: { stdout: (t: string) => void },
): number {
  const sae = loadSae(flags.sae!, saeHookOption(flags["sae-hook"]));
  const exp = readNeuronpediaExport(flags.neuronpedia!);
  const file = neuronpediaLabelFile(exp, {
    hookName: sae.config.hookName,
    dSae: sae.config.dSae,
    sae: { saeSource: sae.source, export: flags.neuronpedia },
  });
  writeLabelFile(flags.out!, file);
  const withWords = file.latents.filter((l) => l.topWords.length > 0).length;
  io.stdout(
    `labelled ${file.latents.length} latents from ${exp.files.length} Neuronpedia files → ${flags.out}; ` +
      `${withWords} with top words from activation examples`,
  );
  return 0;
}
