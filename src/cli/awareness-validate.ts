/**
 * `trigscope awareness validate --judge ID --data DIR`: agreement of a judge with labelled
 * transcripts (precision, recall, F1, Cohen's kappa with intervals; overall, per trigger, and for
 * the offline judge leave-one-trigger-out), then the disagreements.
 */
import { createJudge } from "../awareness/judge.js";
import { loadLabelledSets } from "../awareness/labelled-data.js";
import "../awareness/llm-judges.js";
import { OFFLINE_ARTICULATION_ID } from "../awareness/offline-judge.js";
import "../awareness/articulation-model.js";
import "../awareness/combined-judge.js";
import "../awareness/local-generate.js";
import "../awareness/openai-provider.js";
import { createProvider } from "../awareness/provider.js";
import {
  judgeLabelled,
  leaveOneTriggerOut,
  summarise,
  type ValidationResult,
  type LotoResult,
} from "../awareness/validate.js";
import type { AgreementReport } from "../awareness/agreement.js";
import { metricCell, nameValues, table } from "./awareness-common.js";
import { defineCommand } from "./command.js";
import { count, JSON_OUT } from "./common-options.js";

const OPTIONS = {
  judge: { type: "string", required: true, value: "ID", description: "the judge to validate" },
  data: {
    type: "string",
    required: true,
    multiple: true,
    value: "DIR",
    description: "a labelled-data directory",
  },
  "judge-provider": {
    type: "string",
    value: "SPEC",
    defaultText: "the judge's own",
    description: "the provider an LLM judge asks",
  },
  "api-key-env": {
    type: "string",
    value: "NAME",
    default: "OPENAI_API_KEY",
    description: "the environment variable holding the API key",
  },
  trigger: {
    type: "string",
    multiple: true,
    value: "NAME=TEXT",
    description: "the text of a trigger the data names",
  },
  concurrency: count("judge calls in flight at once", 4),
  reps: count("bootstrap resamples", 2000),
  seed: { type: "string", default: "validate", description: "bootstrap seed" },
  "cluster-by-prompt": { type: "boolean", description: "resample prompts, not transcripts" },
  "no-loto": { type: "boolean", description: "skip leave-one-trigger-out" },
  "max-disagreements": {
    type: "integer",
    min: 0,
    default: 20,
    description: "disagreements to print",
  },
  json: JSON_OUT,
} as const;

function agreementRows(label: string, r: AgreementReport): string[] {
  const c = r.confusion;
  return [
    label,
    String(r.n),
    `${c.tp}/${c.fp}/${c.fn}/${c.tn}`,
    metricCell(r.precision),
    metricCell(r.recall),
    metricCell(r.f1),
    metricCell(r.kappa),
  ];
}

function human(
  res: ValidationResult,
  loto: LotoResult | null,
  dataDir: string,
  maxDis: number,
): string {
  const head = ["", "n", "tp/fp/fn/tn", "precision", "recall", "F1", "kappa"];
  const rows = [
    head,
    agreementRows("overall", res.overall),
    ...Object.entries(res.perTrigger).map(([k, r]) => agreementRows(k, r)),
  ];
  const out = [
    `judge ${res.judge.id}@${res.judge.version}${res.judge.model ? ` (model ${res.judge.model})` : ""} on ${dataDir}: ${res.n} transcripts, ${res.judged} judged, ${res.excluded.length} undetermined, ${res.failures.length} failed`,
    `intervals: ${res.overall.intervalMethod.level * 100}%; precision/recall Wilson; F1/kappa ${res.overall.intervalMethod.f1Kappa} (${res.overall.intervalMethod.reps} reps)`,
    "",
    table(rows),
  ];
  for (const [k, r] of Object.entries(res.perTrigger))
    if (r.kappa.value === null) out.push(`  ${k}: kappa undefined: ${r.kappa.undefinedBecause}`);
  if (loto) {
    out.push(
      "",
      `leave-one-trigger-out (settings chosen on the other triggers: ${loto.selection})`,
    );
    const lrows = [
      head,
      ...loto.folds.map((f) => agreementRows(`held out ${f.heldOut}`, f.test)),
      agreementRows("pooled", loto.pooled),
    ];
    out.push(table(lrows));
    for (const f of loto.folds)
      out.push(
        `  ${f.heldOut}: chose ${JSON.stringify(f.chosen)} (train F1 ${f.train.f1?.toFixed(3) ?? "—"})`,
      );
  }
  for (const e of res.excluded) out.push(`undetermined ${e.file}:${e.line}: ${e.reason}`);
  for (const f of res.failures) out.push(`failed ${f.file}:${f.line}: ${f.error}`);
  out.push(
    "",
    `disagreements (${res.disagreements.length}${res.disagreements.length > maxDis ? `, first ${maxDis}` : ""}):`,
  );
  for (const d of res.disagreements.slice(0, maxDis)) {
    out.push(
      `  ${d.file}:${d.line}  label=${d.label ? "articulated" : "not"}  judge=${d.verdict ? "articulated" : "not"}  (${d.explanation})`,
    );
    for (const e of d.evidence.slice(0, 2))
      out.push(`      "${e.length > 160 ? e.slice(0, 160) + "…" : e}"`);
  }
  return out.join("\n");
}

defineCommand({
  name: "awareness validate",
  summary:
    "Agreement of an articulation judge with labelled transcripts (P, R, F1, kappa with intervals)",
  options: OPTIONS,
  async run({ opts: flags }, { io, progress }) {
    const judgeId = flags.judge;
    const dataDirs = flags.data;
    const provider = flags["judge-provider"]
      ? createProvider(flags["judge-provider"], {
          ...(flags["api-key-env"] ? { apiKeyEnv: flags["api-key-env"] } : {}),
        })
      : undefined;
    const judge = createJudge(judgeId, provider ? { provider } : {});
    const { items, warnings } = loadLabelledSets(dataDirs, nameValues(flags.trigger, "trigger"));
    for (const w of warnings) io.stderr(`warning: ${w}`);
    const dataDir = dataDirs.join(", ");
    const bar = progress("judging");
    const { judged, failures } = await judgeLabelled(judge, items, {
      concurrency: flags.concurrency,
      onProgress: (d, t) => bar.update(d, t),
    });
    bar.finish();
    const reps = flags.reps;
    const opts = {
      reps,
      seed: flags.seed,
      clusterByPrompt: flags["cluster-by-prompt"],
    };
    const res = summarise(judge, items.length, judged, failures, opts);
    const names = new Set(items.map((i) => i.triggerName));
    const loto =
      judge.id === OFFLINE_ARTICULATION_ID && !flags["no-loto"] && names.size >= 2
        ? await leaveOneTriggerOut(items, {
            reps,
            seed: opts.seed,
            clusterByPrompt: opts.clusterByPrompt,
          })
        : null;
    if (flags.json)
      io.stdout(JSON.stringify({ ...res, data: dataDirs, leaveOneTriggerOut: loto }, null, 2));
    else io.stdout(human(res, loto, dataDir, flags["max-disagreements"]));
    return failures.length > 0 ? 1 : 0;
  },
});
