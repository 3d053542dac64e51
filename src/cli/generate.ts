/**
 * `trigscope generate --model DIR --prompt TEXT [--chat] [--max-new-tokens N]
 *   [--steer FILE --layer L --scale S] [--json]` and sampling options.
 */
import { initEngine } from "../engine/device.js";
import { pickVector, readVectors } from "../io/vectors.js";
import { residPost } from "../model/hooks.js";
import { encodePrompts, generateFromEncoded, loadChatModel } from "../model/text-generation.js";
import { parseArgs, UsageError } from "./args.js";
import { register } from "./registry.js";

const SPEC = {
  model: { type: "string" },
  prompt: { type: "string", multiple: true },
  "prompt-ids": { type: "string", multiple: true },
  chat: { type: "boolean" },
  "max-new-tokens": { type: "number" },
  steer: { type: "string" },
  layer: { type: "number" },
  scale: { type: "number" },
  "vector-index": { type: "number" },
  "steer-on": { type: "string" },
  "steer-all": { type: "boolean" },
  temperature: { type: "number" },
  "top-p": { type: "number" },
  seed: { type: "number" },
  stop: { type: "string", multiple: true },
  "ignore-eos": { type: "boolean" },
  device: { type: "string" },
  json: { type: "boolean" },
} as const;

export const GENERATE_USAGE =
  "generate --model DIR (--prompt TEXT [--prompt TEXT …] [--chat] | --prompt-ids ID,ID,… […]) [--max-new-tokens N] [--steer FILE --layer L [--scale S] [--vector-index I] [--steer-on prompt|user] [--steer-all]] [--temperature T] [--top-p P] [--seed N] [--stop STR …] [--ignore-eos] [--device wasm|webgpu] [--json]";

register({
  name: "generate",
  summary:
    "Generate text from a model directory (greedy unless sampling is asked for), optionally steered",
  usage: GENERATE_USAGE,
  async run(argv, io) {
    const { flags } = parseArgs(argv, SPEC);
    if (!flags.model) throw new UsageError("--model is required");
    const idRows = flags["prompt-ids"]?.map(parsePromptIds);
    if (!flags.prompt?.length && !idRows)
      throw new UsageError("--prompt or --prompt-ids is required");
    if (flags.prompt?.length && idRows)
      throw new UsageError("--prompt and --prompt-ids do not go together");
    if (idRows && flags.chat)
      throw new UsageError("--chat needs --prompt (text), not --prompt-ids");
    if (idRows && flags["steer-on"] === "user")
      throw new UsageError("--steer-on user needs --chat prompts, not --prompt-ids");
    if (flags.steer && flags.layer === undefined) throw new UsageError("--steer needs --layer");
    if (!flags.steer && (flags.layer !== undefined || flags.scale !== undefined)) {
      throw new UsageError("--layer and --scale go with --steer");
    }
    const steerOn = flags["steer-on"] ?? "prompt";
    if (steerOn !== "prompt" && steerOn !== "user")
      throw new UsageError("--steer-on must be prompt or user");
    const device = flags.device ?? "wasm";
    if (device !== "wasm" && device !== "webgpu")
      throw new UsageError("--device must be wasm or webgpu");
    await initEngine(device);
    const cm = await loadChatModel(flags.model);
    try {
      let steering;
      if (flags.steer) {
        const layer = flags.layer!;
        const vector = pickVector(
          readVectors(flags.steer),
          flags.steer,
          residPost(layer),
          flags["vector-index"] ?? 0,
        );
        steering = {
          layer,
          vector,
          scale: flags.scale ?? 1,
          positions: steerOn,
          allPositions: flags["steer-all"] ?? false,
        } as const;
      }
      const encoded = idRows
        ? idRows.map((ids) => ({ ids, user: null }))
        : encodePrompts(cm, flags.prompt!, flags.chat ?? false);
      const out = await generateFromEncoded(cm, encoded, {
        maxNewTokens: flags["max-new-tokens"] ?? 32,
        chat: flags.chat ?? false,
        temperature: flags.temperature ?? 0,
        topP: flags["top-p"] ?? 1,
        seed: flags.seed ?? 0,
        ignoreEos: flags["ignore-eos"] ?? false,
        ...(flags.stop ? { stopStrings: flags.stop } : {}),
        ...(steering ? { steering } : {}),
      });
      if (flags.json) {
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
