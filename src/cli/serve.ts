/**
 * `trigscope serve --model DIR`: an OpenAI-compatible chat-completions server over one of
 * trigscope's own models (bound to 127.0.0.1 unless --host says otherwise), so any harness that
 * speaks the OpenAI API — `trigscope awareness run` included — can sample it. Runs until SIGINT or
 * SIGTERM. It is served under the name given to --model (a zoo name stays that name), or --name.
 * `--reasoning-parser` (vLLM's flag; think, qwen3 and deepseek_r1 all split think tags) returns the
 * reasoning in `reasoning_content` instead of as `<think>…</think>` inside `content`.
 */
import { loadLocalModel } from "../awareness/local-generate.js";
import { startChatServer } from "../awareness/server.js";
import { REASONING_PARSERS, type ReasoningParser } from "../awareness/think-split.js";
import { defineCommand } from "./command.js";
import { count, JSON_OUT } from "./common-options.js";
import { untilStopped } from "./signals.js";

const OPTIONS = {
  model: {
    type: "string",
    required: true,
    value: "DIR|ZOO_NAME",
    description: "the model to serve",
  },
  host: { type: "string", value: "ADDR", default: "127.0.0.1", description: "the address to bind" },
  port: {
    type: "integer",
    min: 0,
    max: 65535,
    default: 8000,
    description: "the port (0: any free one)",
  },
  name: {
    type: "string",
    value: "ID",
    defaultText: "the last path component of --model",
    description: "the model name clients ask for",
  },
  "max-concurrent": count("requests generated at once", 1),
  thinking: {
    type: "string",
    choices: ["on", "off"],
    defaultText: "the chat template's",
    description: "the template's enable_thinking",
  },
  "reasoning-parser": {
    type: "string",
    choices: REASONING_PARSERS,
    description: "return think-tagged text as reasoning_content",
  },
  json: JSON_OUT,
} as const;

/** The served name: --name, else what --model was given as (not the folder it resolves to). */
const servedName = (model: string, name: string | undefined) =>
  name ?? model.replace(/\/+$/, "").split("/").pop()!;

defineCommand({
  name: "serve",
  summary:
    "Serve a local model through an OpenAI-compatible API (chat completions, 127.0.0.1 by default)",
  options: OPTIONS,
  service: true,
  async run({ opts: flags }, { io, signal }) {
    const local = await loadLocalModel(flags.model, {
      name: servedName(flags.model, flags.name),
      ...(flags.thinking ? { enableThinking: flags.thinking === "on" } : {}),
    });
    const server = await startChatServer({
      generate: local.generate,
      model: local.name,
      host: flags.host,
      port: flags.port,
      maxConcurrent: flags["max-concurrent"],
      reasoningParser: (flags["reasoning-parser"] as ReasoningParser | undefined) ?? null,
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
    await untilStopped(signal);
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
