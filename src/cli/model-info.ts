/** `trigscope model info DIR [--sae DIR …] [--json]` */
import { describeCpuKernel } from "../engine/kernels/index.js";
import { describeModel } from "../model/info.js";
import { findSaes, type SaeListing } from "../sae/discover.js";
import { defineCommand } from "./command.js";
import { JSON_OUT } from "./common-options.js";

defineCommand({
  name: "model info",
  summary:
    "Show a model directory's family, sizes, padded vocabulary, sliding windows, weights, tokenizer, hook points and the SAEs found in it (or under --sae folders)",
  positionals: [{ name: "DIR", description: "the model directory" }],
  options: {
    sae: {
      type: "string",
      multiple: true,
      value: "DIR",
      description: "another folder to look for SAEs in (the model's own is always searched)",
    },
    json: JSON_OUT,
  },
  async run({ opts: flags, positionals }, { io }) {
    const info = await describeModel(positionals[0]!);
    const saes = [info.dir, ...(flags.sae ?? [])].flatMap((root) =>
      findSaes(root, { maxDepth: 3 }),
    );
    if (flags.json) {
      io.stdout(JSON.stringify({ ...info, saes }, null, 2));
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
      `cpu matmul  ${describeCpuKernel()}`,
      ...saeLines(saes, c.dModel),
    ];
    io.stdout(lines.join("\n"));
    return 0;
  },
});

/** One line per SAE found: its format, architecture, hook and width, or why it does not load. */
function saeLines(saes: SaeListing[], dModel: number): string[] {
  if (saes.length === 0) return ["saes        none found (give --sae DIR to look elsewhere)"];
  return saes.map((s, i) => {
    const head = i === 0 ? "saes        " : "            ";
    if ("error" in s) return `${head}${s.format} at ${s.path}: does not load: ${s.error.message}`;
    const fits = s.dIn === dModel ? "" : ` (d_in ${s.dIn} ≠ d_model ${dModel})`;
    return `${head}${s.format} ${s.architecture} at ${s.path}: ${s.hookName ?? "hook not named (--sae-hook)"}, ${s.dSae} latents${fits}`;
  });
}
