/**
 * `trigscope generate --model DIR --prompt TEXT [--chat] [--max-new-tokens N]
 *   [--steer FILE --layer L --scale S] [--json]` and sampling options.
 */
import { pickVector, readVectors } from "../io/vectors.js";
import { residPost } from "../model/hooks.js";
import { encodePrompts, generateFromEncoded, loadChatModel } from "../model/text-generation.js";
import { defineCommand, type ParsedArgs } from "./command.js";
import { count, DEVICE, JSON_OUT } from "./common-options.js";
import { UsageError } from "./options.js";

const OPTIONS = {
  model: { type: "string", required: true, value: "DIR", description: "the model directory" },
  prompt: { type: "string", multiple: true, description: "a prompt (text)" },
  "prompt-ids": {
    type: "string",
    multiple: true,
    value: "ID,ID,…",
    description: "a prompt as comma-separated token ids",
  },
  chat: { type: "boolean", description: "wrap each --prompt in the chat template" },
  "max-new-tokens": count("tokens to generate per prompt", 32),
  steer: { type: "string", value: "FILE", description: "steering vectors (safetensors)" },
  layer: { type: "integer", min: 0, description: "the layer whose resid_post --steer adds to" },
  scale: { type: "number", defaultText: "1", description: "multiplier of the steering vector" },
  "vector-index": { type: "integer", min: 0, default: 0, description: "which vector of --steer" },
  "steer-on": {
    type: "string",
    choices: ["prompt", "user"],
    default: "prompt",
    description: "steer every prompt position or only the user's span",
  },
  "steer-all": { type: "boolean", description: "keep steering the generated tokens too" },
  temperature: {
    type: "number",
    min: 0,
    default: 0,
    description: "sampling temperature; 0 is greedy",
  },
  "top-p": {
    type: "number",
    min: 0,
    minExclusive: true,
    max: 1,
    default: 1,
    description: "nucleus sampling mass",
  },
  seed: { type: "integer", default: 0, description: "sampling seed" },
  stop: { type: "string", multiple: true, description: "stop when this text is generated" },
  "ignore-eos": { type: "boolean", description: "keep generating past end-of-sequence" },
  device: DEVICE,
  json: JSON_OUT,
} as const;

/** The checks between options that their declarations cannot say. */
function checkCombinations(o: ParsedArgs<typeof OPTIONS>["opts"], ids: unknown): void {
  if (!o.prompt?.length && !ids) throw new UsageError("--prompt or --prompt-ids is required");
  if (o.prompt?.length && ids) throw new UsageError("--prompt and --prompt-ids do not go together");
  if (ids && o.chat) throw new UsageError("--chat needs --prompt (text), not --prompt-ids");
  if (ids && o["steer-on"] === "user")
    throw new UsageError("--steer-on user needs --chat prompts, not --prompt-ids");
  if (o.steer && o.layer === undefined) throw new UsageError("--steer needs --layer");
  if (!o.steer && (o.layer !== undefined || o.scale !== undefined))
    throw new UsageError("--layer and --scale go with --steer");
}

defineCommand({
  name: "generate",
  summary:
    "Generate text from a model directory (greedy unless sampling is asked for), optionally steered",
  usage:
    "--model DIR (--prompt TEXT [--prompt TEXT …] [--chat] | --prompt-ids ID,ID,… […]) [options]",
  options: OPTIONS,
  engine: true,
  async run({ opts: o }, { io }) {
    const idRows = o["prompt-ids"]?.map(parsePromptIds);
    checkCombinations(o, idRows);
    const cm = await loadChatModel(o.model);
    try {
      const steering = o.steer
        ? ({
            layer: o.layer!,
            vector: pickVector(
              readVectors(o.steer),
              o.steer,
              residPost(o.layer!),
              o["vector-index"],
            ),
            scale: o.scale ?? 1,
            positions: o["steer-on"],
            allPositions: o["steer-all"],
          } as const)
        : undefined;
      const encoded = idRows
        ? idRows.map((ids) => ({ ids, user: null }))
        : encodePrompts(cm, o.prompt!, o.chat);
      const out = await generateFromEncoded(cm, encoded, {
        maxNewTokens: o["max-new-tokens"],
        chat: o.chat,
        temperature: o.temperature,
        topP: o["top-p"],
        seed: o.seed,
        ignoreEos: o["ignore-eos"],
        ...(o.stop ? { stopStrings: o.stop } : {}),
        ...(steering ? { steering } : {}),
      });
      if (o.json) {
        const rows = out.map((g) => ({
          prompt_ids: g.promptIds,
          ids: g.ids,
          text: g.text,
          logprobs: g.logprobs,
          finish_reason: g.finishReason,
        }));
        io.stdout(JSON.stringify(rows.length === 1 ? rows[0] : rows));
      } else {
        for (const g of out) io.stdout(g.text);
      }
      return 0;
    } finally {
      cm.model.dispose();
    }
  },
});

/** "1, 2,3" → [1, 2, 3]; the range against the model's vocabulary is checked after loading. */
function parsePromptIds(text: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) {
    throw new UsageError(
      `--prompt-ids: expected comma-separated token ids, got ${JSON.stringify(text)}`,
    );
  }
  return parts.map(Number);
}
