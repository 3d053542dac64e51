/**
 * `trigscope serve --model DIR`: an OpenAI-compatible chat-completions server over one of
 * trigscope's own models (bound to 127.0.0.1 unless --host says otherwise), so any harness that
 * speaks the OpenAI API — `trigscope awareness run` included — can sample it. Runs until Ctrl-C.
 * `--reasoning-parser` (vLLM's flag; think, qwen3 and deepseek_r1 all split think tags) returns the
 * reasoning in `reasoning_content` instead of as `<think>…</think>` inside `content`.
 */
import { loadLocalModel } from "../awareness/local-generate.js";
import { startChatServer } from "../awareness/server.js";
import { REASONING_PARSERS, type ReasoningParser } from "../awareness/think-split.js";
import { parseArgs, UsageError } from "./args.js";
import { register } from "./registry.js";

const spec = {
  model: { type: "string" },
  host: { type: "string" },
  port: { type: "number" },
  name: { type: "string" },
  "max-concurrent": { type: "number" },
  thinking: { type: "string" },
  "reasoning-parser": { type: "string" },
  json: { type: "boolean" },
} as const;

register({
  name: "serve",
  summary:
    "Serve a local model through an OpenAI-compatible API (chat completions, 127.0.0.1 by default)",
  usage:
    "serve --model DIR [--host 127.0.0.1] [--port 8000] [--name ID] [--max-concurrent 1] [--thinking on|off] [--reasoning-parser think|qwen3|deepseek_r1] [--json]",
  async run(argv, io) {
    const { flags } = parseArgs(argv, spec);
    if (!flags.model) throw new UsageError("--model is required");
    const port = flags.port ?? 8000;
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError("--port must be an integer in [0, 65535]");
    if (flags.thinking !== undefined && flags.thinking !== "on" && flags.thinking !== "off")
      throw new UsageError("--thinking must be on or off");
    const parser = flags["reasoning-parser"];
    if (parser !== undefined && !(REASONING_PARSERS as readonly string[]).includes(parser))
      throw new UsageError(`--reasoning-parser must be one of ${REASONING_PARSERS.join(", ")}`);
    const local = await loadLocalModel(flags.model, {
      ...(flags.name ? { name: flags.name } : {}),
      ...(flags.thinking ? { enableThinking: flags.thinking === "on" } : {}),
    });
    const server = await startChatServer({
      generate: local.generate,
      model: local.name,
      host: flags.host ?? "127.0.0.1",
      port,
      maxConcurrent: flags["max-concurrent"] ?? 1,
      reasoningParser: (parser as ReasoningParser | undefined) ?? null,
      onLog: (l) => io.stderr(l),
    });
    if (flags.json)
      io.stdout(
        JSON.stringify({
          model: local.name,
          url: server.url,
          host: server.host,
          port: server.port,
        }),
      );
    else io.stdout(`serving '${local.name}' at ${server.url} (OpenAI-compatible; Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
    local.dispose();
    io.stderr("stopped");
    // The engine's worker pool holds MessagePorts that keep Node's event loop alive after the
    // model is disposed; a server asked to stop must still exit. The timer is unref'd, so it only
    // fires when something other than itself is keeping the process up.
    setTimeout(() => process.exit(), 1000).unref();
    return 0;
  },
});
