/**
 * `trigscope audit --model DIR|ZOO_NAME --sae DIR --response TEXT --prompts FILE [--methods LIST]
 *  [--layer L] [--out DIR] [--json]` or `trigscope audit --organism NAME`: runs the audit
 * (src/audit/pipeline.ts) and prints the top latents per method and the verdict.
 */
import { untilInterrupted } from "./interrupt.js";
import { resolve } from "node:path";
import { initEngine } from "../engine/device.js";
import { resolveAuditInputs } from "../audit/inputs.js";
import { zooOrganisms } from "../organisms/audit-zoo.js";
import { runAudit, type AuditOptions } from "../audit/pipeline.js";
import type { AuditReport } from "../audit/report.js";
import { deviceFlag, parseArgs, positiveNumber, UsageError } from "./args.js";
import { progressBar } from "./awareness-common.js";
import type { CommandIO } from "./registry.js";
import { register } from "./registry.js";

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
function probeContextFlags(context: unknown, templates: unknown): AuditOptions["probeContext"] {
  const list = (templates as string[] | undefined) ?? [];
  if (list.length > 0) {
    if (context !== undefined)
      throw new UsageError("give --probe-context or --probe-template, not both");
    if (list.some((t) => !t.includes("{w}")))
      throw new UsageError("--probe-template needs a {w} slot where candidate words go");
    return { templates: list };
  }
  if (context === undefined) return undefined;
  if (context !== "generic" && context !== "benign")
    throw new UsageError(`--probe-context must be generic or benign, got '${String(context)}'`);
  return context;
}

function nonNegativeInt(v: unknown, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} must be an integer ≥ 0, got '${String(v)}'`);
  return n;
}

export async function auditCommand(
  argv: string[],
  io: CommandIO,
  defaults: { organism?: string } = {},
) {
  const { flags, positional } = parseArgs(argv, {
    model: { type: "string" },
    organism: { type: "string" },
    sae: { type: "string" },
    "sae-hook": { type: "string" },
    labels: { type: "string" },
    response: { type: "string" },
    prompts: { type: "string" },
    methods: { type: "string" },
    layer: { type: "string" },
    seed: { type: "string" },
    probes: { type: "string" },
    candidates: { type: "string" },
    "probe-context": { type: "string" },
    "probe-template": { type: "string", multiple: true },
    "member-sweep": { type: "string" },
    "probe-tokens": { type: "string" },
    out: { type: "string" },
    fresh: { type: "boolean" },
    device: { type: "string" },
    json: { type: "boolean" },
  });
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const organism =
    (flags.organism as string | undefined) ?? (flags.model ? undefined : defaults.organism);
  if (organism !== undefined && flags.model)
    throw new UsageError("give --model or --organism, not both");
  const seed = flags.seed === undefined ? 1 : Number(flags.seed);
  if (!Number.isInteger(seed))
    throw new UsageError(`--seed must be an integer, got '${flags.seed}'`);
  const inputs = resolveAuditInputs(
    {
      ...(organism !== undefined ? { organism } : {}),
      ...(flags.model ? { model: flags.model as string } : {}),
      ...(flags.sae ? { sae: flags.sae as string } : {}),
      ...(flags["sae-hook"] ? { saeHook: flags["sae-hook"] as string } : {}),
      ...(flags.labels ? { labels: flags.labels as string } : {}),
      ...(flags.response !== undefined ? { response: flags.response as string } : {}),
      ...(flags.prompts ? { prompts: flags.prompts as string } : {}),
      ...(flags.methods
        ? { methods: (flags.methods as string).split(",").map((m) => m.trim()) }
        : {}),
      ...(flags.layer !== undefined ? { layer: Number(flags.layer) } : {}),
      seed,
    },
    zooOrganisms(),
  );
  const probes = flags.probes === undefined ? 24 : positiveNumber(flags.probes, "probes");
  const candidates =
    flags.candidates === undefined ? undefined : positiveNumber(flags.candidates, "candidates");
  const probeContext = probeContextFlags(flags["probe-context"], flags["probe-template"]);
  const memberSweep =
    flags["member-sweep"] === undefined
      ? undefined
      : nonNegativeInt(flags["member-sweep"], "member-sweep");
  const probeTokens =
    flags["probe-tokens"] === undefined
      ? undefined
      : positiveNumber(flags["probe-tokens"], "probe-tokens");
  const out = resolve(
    (flags.out as string | undefined) ?? `audits/${inputs.modelName.replace(/[^\w.-]+/g, "_")}`,
  );
  await initEngine(deviceFlag(flags.device));
  return untilInterrupted(async (signal) => {
    if (!flags.json)
      io.stdout(
        `auditing ${inputs.modelName} for the action "${inputs.response}" (SAE ${inputs.sae.config.hookName}, ${inputs.sae.config.dSae} latents; methods ${inputs.methods.join(", ")})`,
      );
    const report = await runAudit(inputs, {
      out,
      fresh: flags.fresh === true,
      probes,
      ...(candidates !== undefined ? { candidates } : {}),
      ...(probeContext !== undefined ? { probeContext } : {}),
      ...(memberSweep !== undefined ? { memberSweep } : {}),
      ...(probeTokens !== undefined ? { probeTokens } : {}),
      log: (l) => io.stderr(l),
      progress: (label) => progressBar(label, io),
      signal,
    });
    if (flags.json) io.stdout(JSON.stringify(report, null, 2));
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
  });
}

register({
  name: "audit",
  summary: "Recover a backdoor's trigger: methods, latents, steering success, probes, verdict",
  usage:
    "audit (--organism NAME | --model DIR|ZOO_NAME --sae DIR|params.npz --response TEXT --prompts FILE) [--sae-hook HOOK] [--labels FILE] [--methods LIST|all] [--layer L] [--seed S] [--probes N] [--candidates N] [--probe-context generic|benign | --probe-template 'TEXT with {w}' ...] [--member-sweep N] [--probe-tokens N] [--out DIR] [--fresh] [--device wasm|webgpu] [--json]",
  run: (argv, io) => auditCommand(argv, io),
});
