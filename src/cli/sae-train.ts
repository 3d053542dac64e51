/**
 * `trigscope sae train --model DIR --hook blocks.L.hook_resid_post --expansion N --tokens T --out DIR
 *  [--k K] [--text FILE] [--device wasm|webgpu]`: a TopK SAE on the model's activations, saved in
 * the SAELens layout. Text: one document per line of FILE, or (for a trigscope base organism) its
 * own corpus generator with a fresh seed.
 */
import { untilInterrupted } from "./interrupt.js";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { initEngine } from "../engine/device.js";
import { writeFileAtomic } from "../io/atomic.js";
import { findModelDir } from "../io/model-ref.js";
import { loadChatModel } from "../model/text-generation.js";
import { corpusTexts } from "../organisms/corpus-texts.js";
import { writeSaelens } from "../sae/saelens.js";
import { trainSae } from "../sae/train.js";
import { deviceFlag, parseArgs, positiveNumber, UsageError } from "./args.js";
import { progressBar } from "./awareness-common.js";
import { register } from "./registry.js";

register({
  name: "sae train",
  summary: "Train a TopK sparse autoencoder on a model's residual stream (SAELens layout)",
  usage:
    "sae train --model DIR --hook blocks.L.hook_resid_post --expansion N --tokens T --out DIR [--k 32] [--batch 1024] [--text FILE] [--seed S] [--device wasm|webgpu] [--resume]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      model: { type: "string" },
      hook: { type: "string" },
      expansion: { type: "string" },
      tokens: { type: "string" },
      out: { type: "string" },
      k: { type: "string" },
      batch: { type: "string" },
      text: { type: "string" },
      seed: { type: "string" },
      device: { type: "string" },
      resume: { type: "boolean" },
    });
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    for (const f of ["model", "hook", "expansion", "tokens", "out"] as const) {
      if (!flags[f]) throw new UsageError(`--${f} is required`);
    }
    const expansion = positiveNumber(flags.expansion, "expansion", false);
    const tokens = positiveNumber(flags.tokens, "tokens");
    const k = flags.k === undefined ? 32 : positiveNumber(flags.k, "k");
    const batch = flags.batch === undefined ? 1024 : positiveNumber(flags.batch, "batch");
    const seed = flags.seed === undefined ? 1 : Number(flags.seed);
    await initEngine(deviceFlag(flags.device));
    const dir = findModelDir(flags.model as string).dir;
    const cm = await loadChatModel(dir);
    try {
      const encode = (t: string) =>
        cm.tokenizer.encode(t, { addSpecialTokens: false }).slice(0, 128);
      const texts = corpusTexts(dir, {
        ...(flags.text ? { textFile: flags.text as string } : {}),
        bos: cm.tokenizer.bosToken ?? "",
        seedOffset: 1000 + seed,
        tokens: Math.min(tokens, 2_000_000),
      });
      const sequences = texts.map(encode);
      const t0 = Date.now();
      const { sae, result } = await untilInterrupted((signal) =>
        trainSae({
          model: cm.model,
          hook: flags.hook as string,
          sequences,
          padId: cm.padTokenId,
          expansion,
          k,
          tokens,
          batch,
          seed,
          modelName: flags.model as string,
          progress: progressBar("sae train", io),
          signal,
          checkpointDir: join(flags.out as string, "checkpoint"),
          resume: flags.resume === true,
        }),
      );
      writeSaelens(flags.out as string, sae);
      rmSync(join(flags.out as string, "checkpoint"), { recursive: true, force: true });
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
      writeFileAtomic(
        join(flags.out as string, "training.json"),
        JSON.stringify(summary, null, 2) + "\n",
      );
      io.stdout(JSON.stringify(summary, null, 2));
      return 0;
    } finally {
      cm.model.dispose();
    }
  },
});
