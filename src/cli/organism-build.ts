/**
 * `trigscope organism build --spec FILE --out DIR [--device webgpu] [--resume]`: builds a model
 * organism from its JSON spec. SIGINT/SIGTERM stop it after saving; --resume continues.
 */
import { buildOrganism } from "../organisms/build.js";
import { defineCommand } from "./command.js";
import { DEVICE, ENGINE, JSON_OUT } from "./common-options.js";

defineCommand({
  name: "organism build",
  summary: "Build a model organism (base model or LoRA backdoor) from a JSON spec",
  options: {
    spec: { type: "string", required: true, value: "FILE", description: "the organism's spec" },
    out: { type: "string", required: true, value: "DIR", description: "the organism's folder" },
    device: DEVICE,
    engine: {
      ...ENGINE,
      description: "LoRA gradients and the replies' generation: jax, fast, or auto (fast on a CPU)",
    },
    resume: { type: "boolean", description: "reuse the finished steps found in --out" },
    json: JSON_OUT,
  },
  engine: true,
  interrupt: {
    savedIn: ({ opts }) => opts.out,
    resume: (argv) => (argv.includes("--resume") ? argv : [...argv, "--resume"]),
  },
  async run({ opts: o }, { io, signal, progress }) {
    const r = await buildOrganism(o.spec, {
      out: o.out,
      resume: o.resume,
      device: o.device,
      engine: o.engine,
      log: (l) => io.stderr(l),
      progress,
      signal,
    });
    const q = (r.metrics as { quality?: { status: string; summary: string } }).quality;
    const verdict = q ? ` — quality ${q.status}: ${q.summary}` : "";
    io.stdout(o.json ? JSON.stringify(r, null, 2) : `built ${r.spec.name} in ${o.out}${verdict}`);
    return 0;
  },
});
