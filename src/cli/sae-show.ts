/** `trigscope sae show --labels FILE --latent I [--json]`: one latent of a label file. */
import { readLabelFile } from "../sae/labels.js";
import { defineCommand } from "./command.js";
import { JSON_OUT } from "./common-options.js";
import { UsageError } from "./options.js";

defineCommand({
  name: "sae show",
  summary: "Show one latent's label, top words and top contexts from a label file",
  options: {
    labels: { type: "string", required: true, value: "FILE", description: "the label file" },
    latent: {
      type: "integer",
      required: true,
      min: 0,
      value: "I",
      description: "the latent's index",
    },
    json: JSON_OUT,
  },
  async run({ opts: flags }, { io }) {
    const i = flags.latent;
    const file = readLabelFile(flags.labels);
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
