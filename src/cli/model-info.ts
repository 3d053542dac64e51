/** `trigscope model info DIR [--json]` */
import { describeModel } from "../model/info.js";
import { parseArgs, UsageError } from "./args.js";
import { register } from "./registry.js";

register({
  name: "model info",
  summary: "Show a model directory's architecture, sizes, weights, tokenizer and hook points",
  usage: "model info DIR [--json]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, { json: { type: "boolean" } });
    if (positional.length !== 1) throw new UsageError("expected exactly one model directory");
    const info = await describeModel(positional[0]!);
    if (flags.json) {
      io.stdout(JSON.stringify(info, null, 2));
      return 0;
    }
    const c = info.config;
    const lines = [
      `model       ${info.dir}`,
      `arch        ${c.architecture}: ${c.nLayers} layers, d_model ${c.dModel}, ${c.nHeads} heads (${c.nKvHeads} KV) × ${c.dHead}, MLP ${c.dMlp} (${c.activation}), vocab ${c.vocabSize}`,
      `positions   ${c.positional === "rope" ? `RoPE θ=${c.ropeTheta} (${c.ropeScaling.type})` : "learned"}, max ${c.maxPositions}; norm ${c.norm} eps ${c.normEps}${c.qkNorm ? "; q/k norm" : ""}${c.tieEmbeddings ? "; tied embeddings" : ""}`,
      `weights     ${info.parameters.toLocaleString("en-US")} parameters in ${info.tensors} tensors (${Object.entries(
        info.weightDtypes,
      )
        .map(([d, n]) => `${n} ${d}`)
        .join(", ")})${info.sharded ? ", sharded" : ""}`,
      info.tokenizer
        ? `tokenizer   ${info.tokenizer.vocabSize} tokens; BOS ${info.tokenizer.bosToken ?? "none"}, EOS ${info.tokenizer.eosToken ?? "none"}; chat template ${info.tokenizer.chatTemplate ? "yes" : "no"}`
        : "tokenizer   none",
      ...(info.paddedVocab
        ? [
            `vocab       padded: vocab_size ${info.paddedVocab.vocabSize} = ${info.paddedVocab.tokenizerSize} tokenizer tokens + ${info.paddedVocab.padding} ids that decode to nothing`,
          ]
        : []),
      ...(info.slidingWindow
        ? [
            `attention   sliding window of ${info.slidingWindow.window} on ${info.slidingWindow.layers.length} of ${c.nLayers} layers (${info.slidingWindow.layers.join(",")})${c.localRope ? `, their RoPE θ=${c.localRope.theta}` : ""}`,
          ]
        : []),
      ...(info.softcaps
        ? [
            `soft caps   attention ${info.softcaps.attention ?? "none"}, final logits ${info.softcaps.final ?? "none"}`,
          ]
        : []),
      ...(info.adapter
        ? [
            `adapter     LoRA rank ${info.adapter.rank}, alpha ${info.adapter.alpha} on layers ${info.adapter.layers.join(",")} (${info.adapter.targets.join(", ")}) from ${info.adapter.dir}`,
          ]
        : []),
      `hooks       ${info.hookPoints} hook points, e.g. ${info.hookExamples.join(", ")}`,
    ];
    io.stdout(lines.join("\n"));
    return 0;
  },
});
