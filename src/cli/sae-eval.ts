/**
 * `trigscope sae eval --model DIR --sae DIR [--tokens N] [--text FILE] [--labels FILE]
 *  [--triggers a,b] [--out FILE] [--device wasm|webgpu] [--json]`: L0, explained variance, CE
 * recovered, dead and dense fractions on fresh corpus text; with a label file, how many concepts
 * have a latent with AUROC ≥ 0.9 (and each named concept's best latent).
 */
import { writeJsonAtomic } from "../io/atomic.js";
import { findModelDir } from "../io/model-ref.js";
import { loadChatModel } from "../model/text-generation.js";
import { corpusTexts } from "../organisms/corpus-texts.js";
import { evaluateSae } from "../sae/evaluate.js";
import { readLabelFile } from "../sae/labels.js";
import { checkSaeForModel, loadSae } from "../sae/load.js";
import { defineCommand } from "./command.js";
import { count, DEVICE, JSON_OUT } from "./common-options.js";
import { UsageError } from "./options.js";
import { SAE_HOOK, saeHookOption } from "./sae-hook.js";

/** AUROC at or above which a concept counts as having a latent of its own. */
const STRONG_AUROC = 0.9;

defineCommand({
  name: "sae eval",
  summary:
    "Measure a SAE: L0, explained variance, CE recovered, dead/dense latents, concept AUROCs",
  options: {
    model: { type: "string", required: true, value: "DIR", description: "the model directory" },
    sae: { type: "string", required: true, value: "DIR|params.npz", description: "the SAE" },
    "sae-hook": SAE_HOOK,
    tokens: count("tokens of fresh text to measure on", 50_000),
    text: {
      type: "string",
      value: "FILE",
      defaultText: "the organism's corpus",
      description: "text, one document per line",
    },
    labels: { type: "string", value: "FILE", description: "a label file, for concept AUROCs" },
    concepts: { type: "string", value: "a,b", description: "concepts whose best latent to show" },
    out: { type: "string", value: "FILE", description: "also write the report here" },
    device: DEVICE,
    json: JSON_OUT,
  },
  engine: true,
  async run({ opts: flags }, { io, progress }) {
    const tokens = flags.tokens;
    const labels = flags.labels ? readLabelFile(flags.labels) : undefined;
    const named = flags.concepts ? flags.concepts.split(",").map((c) => c.trim()) : [];
    if (named.length > 0 && !labels?.concepts)
      throw new UsageError("--concepts needs --labels FILE made with a lexicon");
    for (const c of named) {
      if (!labels!.concepts!.some((b) => b.concept === c))
        throw new UsageError(`${flags.labels}: no concept '${c}'`);
    }
    const dir = findModelDir(flags.model).dir;
    const sae = loadSae(flags.sae, saeHookOption(flags["sae-hook"]));
    const cm = await loadChatModel(dir);
    try {
      checkSaeForModel(sae, cm.model.config);
      const texts = corpusTexts(dir, {
        ...(flags.text ? { textFile: flags.text } : {}),
        bos: cm.tokenizer.bosToken ?? "",
        seedOffset: 3000,
        tokens,
      });
      const sequences = texts.map((t) => cm.tokenizer.encode(t, { addSpecialTokens: false }));
      const metrics = await evaluateSae({
        model: cm.model,
        sae,
        sequences,
        padId: cm.padTokenId,
        maxTokens: tokens,
        progress: progress("sae eval"),
      });
      const concepts = labels?.concepts;
      const report = {
        sae: { hookName: sae.config.hookName, dSae: sae.config.dSae, source: sae.source },
        ...metrics,
        ...(concepts
          ? {
              conceptsWithStrongLatent: concepts.filter((c) => (c.auroc ?? 0) >= STRONG_AUROC)
                .length,
              conceptCount: concepts.length,
              strongAuroc: STRONG_AUROC,
              named: named.map((c) => concepts.find((b) => b.concept === c)!),
            }
          : {}),
      };
      if (flags.out) writeJsonAtomic(flags.out, report);
      if (flags.json) {
        io.stdout(JSON.stringify(report, null, 2));
        return 0;
      }
      const f = (x: number, d = 3) => x.toFixed(d);
      const lines = [
        `${sae.config.hookName}, ${sae.config.dSae} latents, ${metrics.tokens} tokens`,
        `L0 ${f(metrics.l0, 1)}; explained variance ${f(metrics.explainedVariance)}; MSE ${metrics.mse.toExponential(3)}`,
        `CE clean ${f(metrics.ce.clean)}, spliced ${f(metrics.ce.spliced)}, zero-ablated ${f(metrics.ce.zeroAblated)}: recovered ${f(metrics.ce.recovered)}`,
        `dead ${metrics.dead} (${f(100 * metrics.deadFraction, 1)}%), dense ${metrics.dense} (${f(100 * metrics.denseFraction, 1)}%)`,
      ];
      if (concepts) {
        lines.push(
          `${report.conceptsWithStrongLatent}/${concepts.length} concepts have a latent with AUROC ≥ ${STRONG_AUROC}`,
        );
        for (const c of report.named ?? [])
          lines.push(`  ${c.concept}: latent ${c.latent} AUROC ${c.auroc?.toFixed(3) ?? "—"}`);
      }
      io.stdout(lines.join("\n"));
      return 0;
    } finally {
      cm.model.dispose();
    }
  },
});
