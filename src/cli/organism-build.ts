/** `trigscope organism build --spec FILE --out DIR [--device webgpu] [--resume]` */
import { untilInterrupted } from "./interrupt.js";
import { initEngine } from "../engine/device.js";
import { buildOrganism } from "../organisms/build.js";
import { deviceFlag, parseArgs, UsageError } from "./args.js";
import { progressBar } from "./awareness-common.js";
import { register } from "./registry.js";

register({
  name: "organism build",
  summary: "Build a model organism (base model or LoRA backdoor) from a JSON spec",
  usage: "organism build --spec FILE --out DIR [--device wasm|webgpu] [--resume] [--json]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      spec: { type: "string" },
      out: { type: "string" },
      device: { type: "string" },
      resume: { type: "boolean" },
      json: { type: "boolean" },
    });
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    if (!flags.spec) throw new UsageError("--spec FILE is required");
    if (!flags.out) throw new UsageError("--out DIR is required");
    const device = deviceFlag(flags.device);
    await initEngine(device);
    return untilInterrupted(async (signal) => {
      const r = await buildOrganism(flags.spec as string, {
        out: flags.out as string,
        resume: flags.resume === true,
        device,
        log: (l) => io.stderr(l),
        progress: (label) => progressBar(label, io),
        signal,
      });
      io.stdout(flags.json ? JSON.stringify(r, null, 2) : `built ${r.spec.name} in ${flags.out}`);
      return 0;
    }, new Error("interrupted"));
  },
});
