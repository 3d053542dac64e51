/**
 * `trigscope ui`: serves the dashboard (src/web) over the audits and awareness runs under --dir
 * and the zoo's organisms and SAEs, on 127.0.0.1 unless --host says otherwise. Runs until stopped.
 */
import { defaultSources } from "../web/data.js";
import { startDashboard } from "../web/server.js";
import { parseArgs, UsageError } from "./args.js";
import { register } from "./registry.js";

register({
  name: "ui",
  summary: "Serve the dashboard: audits, SAE latents, awareness transcripts, an in-page playground",
  usage: "ui [--dir DIR] [--port N] [--host ADDR]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      dir: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
    });
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const port = flags.port === undefined ? 8321 : Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port must be an integer in [0, 65535], got '${flags.port}'`);
    }
    const dash = await startDashboard({
      sources: defaultSources((flags.dir as string | undefined) ?? "."),
      port,
      host: (flags.host as string | undefined) ?? "127.0.0.1",
    });
    io.stdout(`trigscope dashboard: ${dash.url} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await dash.close();
    return 0;
  },
});
