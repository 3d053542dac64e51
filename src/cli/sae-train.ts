/**
 * `trigscope sae train --model DIR --hook blocks.L.hook_resid_post --expansion N --tokens T --out DIR
 *  [--k K] [--text FILE] [--device wasm|webgpu]`: a TopK SAE on the model's activations, saved in
 * the SAELens layout. Text: one document per line of FILE, or (for a trigscope base organism) its
 * own corpus generator with a fresh seed.
 */
import { lazyProgress } from "../progress/lazy.js";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { findModelDir } from "../io/model-ref.js";
import { loadChatModel } from "../model/text-generation.js";
import { corpusTexts } from "../organisms/corpus-texts.js";
import { writeSaelens } from "../sae/saelens.js";
import { trainSae } from "../sae/train.js";
import { defineCommand } from "./command.js";
import { count, DEVICE, SEED } from "./common-options.js";

defineCommand({
  name: "sae train",
  summary: "Train a TopK sparse autoencoder on a model's residual stream (SAELens layout)",
  options: {
    model: { type: "string", required: true, value: "DIR", description: "the model directory" },
    hook: {
      type: "string",
      required: true,
      value: "blocks.L.hook_resid_post",
      description: "the activations to train on",
    },
    expansion: {
      type: "number",
      required: true,
      min: 0,
      minExclusive: true,
      description: "latents per model dimension",
    },
    tokens: { type: "integer", required: true, min: 1, description: "tokens to train on" },
    out: { type: "string", required: true, value: "DIR", description: "the SAE's folder" },
    k: count("active latents per token (TopK)", 32),
    batch: count("tokens per step", 1024),
    text: {
      type: "string",
      value: "FILE",
      defaultText: "the organism's corpus",
      description: "text, one document per line",
    },
    seed: SEED,
    device: DEVICE,
    resume: { type: "boolean", description: "continue from DIR/checkpoint" },
  },
  engine: true,
  interrupt: {
    savedIn: ({ opts }) => join(opts.out, "checkpoint"),
    resume: (argv) => (argv.includes("--resume") ? argv : [...argv, "--resume"]),
  },
  async run({ opts: flags }, { io, signal, progress }) {
    const { expansion, tokens, k, batch, seed } = flags;
    const dir = findModelDir(flags.model).dir;
    const cm = await loadChatModel(dir);
    try {
      const encode = (t: string) =>
        cm.tokenizer.encode(t, { addSpecialTokens: false }).slice(0, 128);
      const texts = corpusTexts(dir, {
        ...(flags.text ? { textFile: flags.text } : {}),
        bos: cm.tokenizer.bosToken ?? "",
        seedOffset: 1000 + seed,
        tokens: Math.min(tokens, 2_000_000),
      });
      const sequences = texts.map(encode);
      const t0 = Date.now();
      const { sae, result } = await trainSae({
        model: cm.model,
        hook: flags.hook,
        sequences,
        padId: cm.padTokenId,
        expansion,
        k,
        tokens,
        batch,
        seed,
        modelName: flags.model,
        fillProgress: progress("activations"),
        progress: lazyProgress(() => progress("sae train")),
        signal,
        checkpointDir: join(flags.out, "checkpoint"),
        resume: flags.resume,
      });
      writeSaelens(flags.out, sae);
      rmSync(join(flags.out, "checkpoint"), { recursive: true, force: true });
      const last = result.history.slice(-20);
      const summary = {
        hook: sae.config.hookName,
        dIn: sae.config.dIn,
        dSae: sae.config.dSae,
        k: sae.config.k,
        steps: result.steps,
        tokens: result.steps * batch,
        finalFvu: last.reduce((s, h) => s + h.loss, 0) / Math.max(1, last.length),
        deadFraction: result.deadFraction,
        resampled: result.resampled,
        activationScale: result.activationScale,
        seconds: (Date.now() - t0) / 1000,
      };
      writeFileAtomic(join(flags.out, "training.json"), JSON.stringify(summary, null, 2) + "\n");
      io.stdout(JSON.stringify(summary, null, 2));
      return 0;
    } finally {
      cm.model.dispose();
    }
  },
});
