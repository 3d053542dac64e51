/**
 * `trigscope sae label --model DIR --sae DIR --out FILE [--sae-hook HOOK] [--text FILE]
 *  [--lexicon FILE] [--tokens N] [--device wasm|webgpu]` (--sae may also name a GemmaScope
 *  params.npz; --sae-hook gives the hook its folders do not),
 * `trigscope sae label --sae DIR --neuronpedia EXPORT --out FILE`: the same label file from a
 *  Neuronpedia export of that SAE (neuronpedia-labels.ts) instead of from running the model,
 * and `trigscope sae show --labels FILE --latent I [--json]`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { initEngine } from "../engine/device.js";
import { findModelDir } from "../io/model-ref.js";
import { loadChatModel } from "../model/text-generation.js";
import { corpusTexts } from "../organisms/corpus-texts.js";
import { readLexiconFile, type LexiconFile } from "../lexicon/lexicon-file.js";
import { labelSaeOnTexts } from "../sae/label-corpus.js";
import { readLabelFile, writeLabelFile } from "../sae/labels.js";
import { readNeuronpediaExport } from "../sae/neuronpedia-export.js";
import { neuronpediaLabelFile } from "../sae/neuronpedia-labels.js";
import { checkSaeForModel, loadSae } from "../sae/load.js";
import { deviceFlag, parseArgs, positiveNumber, UsageError } from "./args.js";
import { saeHookOption } from "./sae-hook.js";
import { progressBar } from "./awareness-common.js";
import { register } from "./registry.js";

register({
  name: "sae label",
  summary: "Label every latent of a SAE: top contexts and words, best lexicon concept by AUROC",
  usage:
    "sae label (--model DIR | --neuronpedia EXPORT) --sae DIR|params.npz --out FILE [--sae-hook HOOK] [--text FILE] [--lexicon FILE] [--tokens N] [--device wasm|webgpu]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      model: { type: "string" },
      sae: { type: "string" },
      "sae-hook": { type: "string" },
      out: { type: "string" },
      text: { type: "string" },
      lexicon: { type: "string" },
      tokens: { type: "string" },
      device: { type: "string" },
      neuronpedia: { type: "string" },
    });
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    if (flags.neuronpedia) {
      for (const f of ["model", "text", "lexicon", "tokens", "device"] as const)
        if (flags[f] !== undefined) throw new UsageError(`--${f} does not go with --neuronpedia`);
      return importNeuronpedia(flags, io);
    }
    for (const f of ["model", "sae", "out"] as const)
      if (!flags[f]) throw new UsageError(`--${f} is required`);
    const maxTokens = flags.tokens === undefined ? 100_000 : positiveNumber(flags.tokens, "tokens");
    await initEngine(deviceFlag(flags.device));
    const dir = findModelDir(flags.model as string).dir;
    const sae = loadSae(flags.sae as string, saeHookOption(flags["sae-hook"]));
    const cm = await loadChatModel(dir);
    try {
      checkSaeForModel(sae, cm.model.config);
      let lexicon: LexiconFile | undefined;
      if (flags.lexicon) lexicon = readLexiconFile(flags.lexicon as string);
      else if (existsSync(join(dir, "lexicon.json"))) lexicon = readLexiconFile(dir);
      const texts = corpusTexts(dir, {
        ...(flags.text ? { textFile: flags.text as string } : {}),
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
        progress: progressBar("sae label", io),
      });
      writeLabelFile(flags.out as string, {
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
  for (const f of ["sae", "out"] as const)
    if (!flags[f]) throw new UsageError(`--${f} is required`);
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

register({
  name: "sae show",
  summary: "Show one latent's label, top words and top contexts from a label file",
  usage: "sae show --labels FILE --latent I [--json]",
  async run(argv, io) {
    const { flags } = parseArgs(argv, {
      labels: { type: "string" },
      latent: { type: "string" },
      json: { type: "boolean" },
    });
    if (!flags.labels) throw new UsageError("--labels FILE is required");
    const i = Number(flags.latent);
    if (!Number.isInteger(i) || i < 0)
      throw new UsageError(`--latent must be a latent index, got '${flags.latent}'`);
    const file = readLabelFile(flags.labels as string);
    const rec = file.latents.find((l) => l.index === i);
    if (!rec)
      throw new UsageError(`${flags.labels}: no latent ${i} (the SAE has ${file.sae.dSae})`);
    if (flags.json) {
      io.stdout(JSON.stringify(rec, null, 2));
      return 0;
    }
    io.stdout(
      [
        `latent ${i}: ${rec.label}`,
        `frequency ${rec.frequency?.toFixed(4) ?? "not measured"}, max activation ${rec.maxActivation?.toFixed(3) ?? "not measured"}`,
        `top words: ${rec.topWords.map((w) => `${w.word} (${w.activation.toFixed(2)})`).join(", ")}`,
        "top contexts:",
        ...rec.topContexts.map((c) => `  ${c.activation.toFixed(2)}  ${c.text}`),
      ].join("\n"),
    );
    return 0;
  },
});
