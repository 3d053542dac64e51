/**
 * `trigscope awareness demo`: the backdoor-awareness experiment end to end on the zoo's reasoning
 * organisms, on this machine (src/awareness/demo.ts): backdoor success with reasoning off and on,
 * gated articulation, the distractor test and the CoT monitor's persona flags, with intervals,
 * written as demo-report.{json,md,html} and one awareness run folder per organism and setting
 * (resumable: the same command finishes an interrupted demo).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readDemoOrganism, runAwarenessDemo } from "../awareness/demo.js";
import { fmtRate } from "../awareness/demo-report.js";
import { POSITIONS, type Position } from "../awareness/items.js";
import "../awareness/llm-judges.js";
import "../awareness/openai-provider.js";
import "../awareness/local-generate.js";
import { createProvider } from "../awareness/provider.js";
import { zooDir } from "../io/zoo-manifest.js";
import { defineCommand } from "./command.js";
import { count, JSON_OUT } from "./common-options.js";
import { UsageError } from "./options.js";

const OPTIONS = {
  organism: {
    type: "string",
    multiple: true,
    value: "DIR",
    defaultText: "every zoo folder with awareness.json",
    description: "a reasoning organism's folder",
  },
  out: {
    type: "string",
    default: "awareness-demo",
    value: "DIR",
    description: "where the runs and the report go",
  },
  samples: count("samples per prompt variant", 1),
  items: {
    type: "integer",
    min: 1,
    defaultText: "all",
    description: "items per organism (the first N)",
  },
  positions: {
    type: "string",
    value: "LIST",
    default: "top,bottom",
    description: `trigger positions, of ${POSITIONS.join(",")}`,
  },
  temperature: { type: "number", min: 0, default: 0.7, description: "sampling temperature" },
  "max-tokens": {
    type: "integer",
    min: 1,
    default: 160,
    description: "tokens per answer (reasoning included)",
  },
  seed: { type: "integer", default: 0, description: "seed of the variants and the samples" },
  reps: {
    type: "integer",
    min: 10,
    default: 2000,
    description: "bootstrap resamples per interval",
  },
  "judge-provider": {
    type: "string",
    value: "SPEC",
    description: "a judge model: adds the LLM articulation judge",
  },
  json: JSON_OUT,
} as const;

/** The zoo's reasoning organisms: its folders holding awareness.json, by name. */
function zooReasoningOrganisms(): string[] {
  const zoo = zooDir();
  if (!existsSync(zoo)) return [];
  return readdirSync(zoo)
    .sort()
    .map((n) => join(zoo, n))
    .filter((d) => existsSync(join(d, "awareness.json")));
}

defineCommand({
  name: "awareness demo",
  summary:
    "Run the backdoor-awareness experiment on the zoo's reasoning organisms and write its report",
  options: OPTIONS,
  interrupt: { savedIn: ({ opts }) => opts.out },
  async run({ opts: flags }, { io, signal }) {
    const dirs = flags.organism?.length ? flags.organism : zooReasoningOrganisms();
    if (dirs.length === 0)
      throw new UsageError(
        "no reasoning organisms: build them (zoo/reasoning-gpu.sh) or pass --organism DIR",
      );
    const positions = flags.positions.split(",").map((p) => p.trim()) as Position[];
    for (const p of positions)
      if (!POSITIONS.includes(p))
        throw new UsageError(`--positions: '${p}' is not one of ${POSITIONS.join(", ")}`);
    const report = await runAwarenessDemo({
      organisms: dirs.map(readDemoOrganism),
      outDir: flags.out,
      samples: flags.samples,
      items: flags.items ?? null,
      positions,
      temperature: flags.temperature,
      maxTokens: flags["max-tokens"],
      seed: flags.seed,
      reps: flags.reps,
      ...(flags["judge-provider"]
        ? { judgeProvider: createProvider(flags["judge-provider"]) }
        : {}),
      log: (l) => io.stderr(l),
      signal,
    });
    if (flags.json) {
      io.stdout(JSON.stringify(report, null, 2));
      return 0;
    }
    for (const o of report.organisms)
      io.stdout(
        `${o.name} (${o.spec.trigger}): backdoor success off ${fmtRate(o.backdoorSuccess.reasoningOff)}, on ${fmtRate(o.backdoorSuccess.reasoningOn)}; articulation ${fmtRate(o.gatedArticulation.offline?.rate)}`,
      );
    io.stdout(`report: ${join(flags.out, "demo-report.md")} (and .json, .html)`);
    return 0;
  },
});
