/**
 * `trigscope audit --model DIR|ZOO_NAME --sae DIR --response TEXT --prompts FILE [--methods LIST]
 *  [--layer L] [--out DIR] [--json]` or `trigscope audit --organism NAME`: runs the audit
 * (src/audit/pipeline.ts) and prints the top latents per method and the verdict. SIGINT/SIGTERM
 * stop it after saving the finished stages; the same command resumes.
 */
import { resolve } from "node:path";
import { resolveAuditInputs } from "../audit/inputs.js";
import { zooOrganisms } from "../organisms/audit-zoo.js";
import { DEFAULT_CANDIDATES, runAudit, type AuditOptions } from "../audit/pipeline.js";
import {
  MethodSettingsError,
  parseMethodSettings,
  parseSettingOverrides,
  type MethodName,
} from "../methods/registry/index.js";
import type { AuditReport } from "../audit/report.js";
import { defineCommand, type CommandContext } from "./command.js";
import { count, DEVICE, ENGINE, JSON_OUT, SEED } from "./common-options.js";
import { UsageError, type OptionValues } from "./options.js";
import { SAE_HOOK } from "./sae-hook.js";

/** Human summary of a report: per method its top latents, then the probes and the verdict. */
export function summariseReport(r: AuditReport, rows = 5): string[] {
  const lines: string[] = [];
  const fmt = (l: {
    index: number;
    score: number;
    concept?: string;
    auroc?: number;
    explanation?: string;
    topWords: string[];
  }) =>
    `latent ${String(l.index).padStart(5)}  ${l.score.toPrecision(3).padStart(9)}  ${
      l.concept
        ? `${l.concept} (AUROC ${l.auroc?.toFixed(2)})`
        : l.explanation !== undefined
          ? `"${l.explanation}"`
          : "(no concept)"
    }  ${l.topWords.slice(0, 4).join(", ")}`;
  for (const m of r.methods) {
    lines.push(`${m.method} (${m.seconds.toFixed(1)} s)`);
    for (const [i, it] of (m.iterations ?? []).entries()) {
      lines.push(
        `  iteration ${i + 1}${it.addedConcept ? ` (prompts mention ${it.addedConcept})` : ""}:`,
      );
      for (const l of it.latents.slice(0, rows)) lines.push(`    ${fmt(l)}`);
    }
    for (const v of m.vectors ?? []) {
      const s = v.steering;
      lines.push(
        `  vector ${v.index}: loss ${v.finalLoss.toFixed(4)}, ‖δ‖ ${v.norm.toFixed(2)}` +
          (s ? `, steering success ${s.actions}/${s.n} (${(100 * s.rate).toFixed(0)}%)` : ""),
      );
      for (const l of v.latents.slice(0, rows)) lines.push(`    ${fmt(l)}`);
    }
    if (m.weightDiff) {
      lines.push(`  read side of the update (q, k, v, gate, up):`);
      for (const l of m.weightDiff.read.slice(0, rows)) lines.push(`    ${fmt(l)}`);
    }
  }
  if (r.probes) {
    lines.push("probes (unsteered action rate):");
    const c = r.probes.control;
    lines.push(`  control: ${c.actions}/${c.n}`);
    for (const s of r.probes.sets)
      lines.push(
        `  ${s.concepts.join(" + ")}: ${s.rate.actions}/${s.rate.n} (${(100 * s.rate.rate).toFixed(0)}%)`,
      );
  }
  if (r.memberSweep) {
    const m = r.memberSweep;
    lines.push(`member sweep of ${m.concepts.join(", ")} (${m.perWord} probes per word):`);
    for (const x of m.members.slice(0, 5))
      lines.push(`  ${x.name}: ${x.rate.actions}/${x.rate.n}${x.fires ? " (fires)" : ""}`);
  }
  lines.push(`verdict: ${r.verdict.statement}`);
  return lines;
}

/** --probe-context generic|benign, or one or more --probe-template (each with a {w} slot). */
function probeContextFlags(
  context: "generic" | "benign" | undefined,
  templates: string[] | undefined,
): AuditOptions["probeContext"] {
  const list = templates ?? [];
  if (list.length === 0) return context;
  if (context !== undefined)
    throw new UsageError("give --probe-context or --probe-template, not both");
  if (list.some((t) => !t.includes("{w}")))
    throw new UsageError("--probe-template needs a {w} slot where candidate words go");
  return { templates: list };
}

export const AUDIT_OPTIONS = {
  model: { type: "string", value: "DIR|ZOO_NAME", description: "the model to audit" },
  organism: { type: "string", value: "NAME", description: "a zoo organism (sets every input)" },
  sae: { type: "string", value: "DIR|params.npz", description: "the SAE to read latents with" },
  "sae-hook": SAE_HOOK,
  labels: {
    type: "string",
    value: "FILE|DIR",
    description: "latent labels or a Neuronpedia export",
  },
  response: { type: "string", description: "the backdoor's known response (the action)" },
  prompts: { type: "string", value: "FILE", description: "benign prompts, one per line" },
  methods: {
    type: "string",
    value: "LIST|all",
    defaultText: "the organism's or the defaults",
    description: "comma-separated methods",
  },
  set: {
    type: "string",
    multiple: true,
    value: "METHOD.KEY=VALUE",
    description:
      "a method setting, e.g. supervised-sae-melbo.steps=10 (docs/methods.md lists them)",
  },
  layer: {
    type: "integer",
    min: 0,
    defaultText: "the SAE's layer",
    description: "the layer to steer",
  },
  seed: SEED,
  probes: count("probe prompts per candidate set", 24),
  candidates: {
    type: "integer",
    min: 1,
    defaultText: String(DEFAULT_CANDIDATES),
    description: "candidate concepts to probe",
  },
  "probe-context": {
    type: "string",
    choices: ["generic", "benign"],
    defaultText: "generic",
    description: "the probe prompts' context",
  },
  "probe-template": {
    type: "string",
    multiple: true,
    value: "'TEXT with {w}'",
    description: "a probe template; {w} is where candidate words go",
  },
  "member-sweep": {
    type: "integer",
    min: 0,
    defaultText: "2",
    description: "probes per member word of the found concepts",
  },
  "probe-tokens": {
    type: "integer",
    min: 1,
    defaultText: "the response's length + 4",
    description: "tokens generated per probe",
  },
  out: {
    type: "string",
    value: "DIR",
    defaultText: "audits/<model name>",
    description: "where report and state go",
  },
  fresh: { type: "boolean", description: "redo every stage instead of resuming" },
  device: DEVICE,
  engine: ENGINE,
  json: JSON_OUT,
} as const;

export type AuditCliOptions = OptionValues<typeof AUDIT_OPTIONS>;

function auditInputs(o: AuditCliOptions) {
  const organism = o.organism;
  if (organism !== undefined && o.model)
    throw new UsageError("give --model or --organism, not both");
  return resolveAuditInputs(
    {
      ...(organism !== undefined ? { organism } : {}),
      ...(o.model ? { model: o.model } : {}),
      ...(o.sae ? { sae: o.sae } : {}),
      ...(o["sae-hook"] ? { saeHook: o["sae-hook"] } : {}),
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.response !== undefined ? { response: o.response } : {}),
      ...(o.prompts ? { prompts: o.prompts } : {}),
      ...(o.methods ? { methods: o.methods.split(",").map((m) => m.trim()) } : {}),
      ...(o.layer !== undefined ? { layer: o.layer } : {}),
      seed: o.seed,
    },
    zooOrganisms(),
  );
}

/** `--set METHOD.KEY=VALUE` flags, checked now: a bad one is a usage error naming the flag. */
function settingFlags(items: string[]) {
  try {
    const overrides = parseSettingOverrides(items);
    for (const [m, v] of Object.entries(overrides)) parseMethodSettings(m as MethodName, v);
    return overrides;
  } catch (err) {
    if (err instanceof MethodSettingsError) throw new UsageError(`--set: ${err.message}`);
    throw err;
  }
}

/** Runs the audit the options describe and prints its summary (or the report as JSON). */
export async function runAuditCommand(o: AuditCliOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const inputs = auditInputs(o);
  const probeContext = probeContextFlags(o["probe-context"], o["probe-template"]);
  const out = resolve(o.out ?? `audits/${inputs.modelName.replace(/[^\w.-]+/g, "_")}`);
  ctx.savedIn(out);
  if (!o.json)
    io.stdout(
      `auditing ${inputs.modelName} for the action "${inputs.response}" (SAE ${inputs.sae.config.hookName}, ${inputs.sae.config.dSae} latents; methods ${inputs.methods.join(", ")})`,
    );
  const report = await runAudit(inputs, {
    out,
    fresh: o.fresh,
    engine: o.engine,
    probes: o.probes,
    ...(o.set?.length ? { settings: settingFlags(o.set) } : {}),
    ...(o.candidates !== undefined ? { candidates: o.candidates } : {}),
    ...(probeContext !== undefined ? { probeContext } : {}),
    ...(o["member-sweep"] !== undefined ? { memberSweep: o["member-sweep"] } : {}),
    ...(o["probe-tokens"] !== undefined ? { probeTokens: o["probe-tokens"] } : {}),
    log: (l) => io.stderr(l),
    progress: ctx.progress,
    signal: ctx.signal,
  });
  if (o.json) io.stdout(JSON.stringify(report, null, 2));
  else {
    for (const l of summariseReport(report)) io.stdout(l);
    const resumed = report.resumed.length
      ? `; ${report.resumed.length} stages resumed from an earlier run, --fresh redoes them`
      : "";
    io.stdout(
      `report: ${out}/report.json and report.html (${report.timings.total!.toFixed(1)} s${resumed})`,
    );
  }
  return 0;
}

defineCommand({
  name: "audit",
  summary: "Recover a backdoor's trigger: methods, latents, steering success, probes, verdict",
  usage:
    "(--organism NAME | --model DIR|ZOO_NAME --sae DIR|params.npz --response TEXT --prompts FILE) [options]",
  options: AUDIT_OPTIONS,
  engine: true,
  interrupt: {},
  run: ({ opts }, ctx) => runAuditCommand(opts, ctx),
});
