/**
 * `trigscope ui`: serves the dashboard (src/web) over the audits and awareness runs under --dir
 * and the zoo's organisms and SAEs, on 127.0.0.1 unless --host says otherwise. Runs until SIGINT or
 * SIGTERM.
 */
import { defaultSources } from "../web/data.js";
import { startDashboard } from "../web/server.js";
import { defineCommand } from "./command.js";
import { untilStopped } from "./signals.js";

defineCommand({
  name: "ui",
  summary: "Serve the dashboard: audits, SAE latents, awareness transcripts, an in-page playground",
  options: {
    dir: {
      type: "string",
      value: "DIR",
      default: ".",
      description: "where to look for audits and runs",
    },
    port: { type: "integer", min: 0, max: 65535, default: 8321, description: "the port" },
    host: {
      type: "string",
      value: "ADDR",
      default: "127.0.0.1",
      description: "the address to bind",
    },
  },
  service: true,
  async run({ opts: flags }, { io, signal }) {
    const dash = await startDashboard({
      sources: defaultSources(flags.dir),
      port: flags.port,
      host: flags.host,
    });
    io.stdout(`trigscope dashboard: ${dash.url} (Ctrl-C to stop)`);
    await untilStopped(signal);
    await dash.close();
    return 0;
  },
});
