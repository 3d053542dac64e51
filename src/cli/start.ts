/**
 * `trigscope start` (what `npm start` runs): for now, a chat generation from the small bundled
 * test model, showing that the runtime works on this machine. A later issue makes it the default
 * audit of the embedded model organism.
 */
import { fileURLToPath } from "node:url";
import { initEngine } from "../engine/device.js";
import { describeModel } from "../model/info.js";
import { generateText, loadChatModel } from "../model/text-generation.js";
import { register } from "./registry.js";
import { parseArgs } from "./args.js";

export const BUNDLED_TEST_MODEL = fileURLToPath(
  new URL("../../test/fixtures/models/llama/", import.meta.url),
);

register({
  name: "start",
  summary: "Run the bundled demo (a generation from the small bundled test model)",
  usage: "start [--prompt TEXT]",
  async run(argv, io) {
    const { flags } = parseArgs(argv, { prompt: { type: "string" } });
    const prompt = flags.prompt ?? "What fruit grows best in a warm climate?";
    const device = await initEngine("wasm");
    const info = await describeModel(BUNDLED_TEST_MODEL);
    io.stdout(
      `trigscope: bundled test model (${info.config.architecture}, ${info.parameters.toLocaleString("en-US")} random parameters — made by test/fixtures/make_fixtures.py, not trained), device ${device}`,
    );
    const cm = await loadChatModel(BUNDLED_TEST_MODEL);
    try {
      const t0 = performance.now();
      const [g] = await generateText(cm, [prompt], { chat: true, maxNewTokens: 16 });
      const ms = performance.now() - t0;
      io.stdout(`user:      ${prompt}`);
      io.stdout(
        `assistant: ${JSON.stringify(g!.text)}  (${g!.ids.length} tokens, ${ms.toFixed(0)} ms, ${g!.finishReason})`,
      );
      io.stdout(
        "The weights are random, so the reply is noise; try `trigscope generate --help` and `trigscope model info DIR`.",
      );
      return 0;
    } finally {
      cm.model.dispose();
    }
  },
});
