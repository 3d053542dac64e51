/**
 * `trigscope awareness report --run DIR`: rates with counts and intervals as a table, and
 * report.json + report.html (a static page with a transcript viewer) in the run directory.
 */
import { writeFileSync } from "node:fs";
import { writeJsonAtomic } from "../io/atomic.js";
import type { Rate } from "../awareness/rates.js";
import { buildReport } from "../awareness/report.js";
import { renderReportHtml } from "../awareness/report-html.js";
import { runPaths } from "../awareness/run-dir.js";
import { pct, table } from "./awareness-common.js";
import { defineCommand } from "./command.js";
import { JSON_OUT } from "./common-options.js";

const judgeOption = (what: string) =>
  ({
    type: "string",
    value: "ID",
    defaultText: "the one judged, if one",
    description: `the ${what} judge whose verdicts count`,
  }) as const;

const OPTIONS = {
  run: { type: "string", required: true, value: "DIR", description: "the run directory" },
  "articulation-judge": judgeOption("articulation"),
  "misalignment-judge": judgeOption("misalignment"),
  "monitor-judge": judgeOption("CoT monitor"),
  html: {
    type: "string",
    value: "FILE",
    defaultText: "DIR/report.html",
    description: "the HTML report",
  },
  reps: {
    type: "integer",
    min: 1,
    defaultText: "the report's",
    description: "bootstrap resamples",
  },
  seed: { type: "string", defaultText: "the report's", description: "bootstrap seed" },
  json: JSON_OUT,
} as const;

const row = (label: string, r: Rate | null | undefined): string[] =>
  r
    ? [
        label,
        pct(r.rate),
        `${r.k}/${r.n}`,
        String(r.prompts),
        r.wilson ? `${pct(r.wilson.lo)}–${pct(r.wilson.hi)}` : "—",
        r.clusterBootstrap ? `${pct(r.clusterBootstrap.lo)}–${pct(r.clusterBootstrap.hi)}` : "—",
      ]
    : [label, "—", "0/0", "0", "—", "—"];

defineCommand({
  name: "awareness report",
  summary:
    "Rates (backdoor success, gated articulation, distractor attribution) with intervals; writes report.json and report.html",
  options: OPTIONS,
  async run({ opts: flags }, { io }) {
    const runDir = flags.run;
    const data = buildReport(
      runDir,
      {
        ...(flags["articulation-judge"] ? { articulation: flags["articulation-judge"] } : {}),
        ...(flags["misalignment-judge"] ? { misalignment: flags["misalignment-judge"] } : {}),
        ...(flags["monitor-judge"] ? { monitor: flags["monitor-judge"] } : {}),
      },
      {
        ...(flags.reps !== undefined ? { reps: flags.reps } : {}),
        ...(flags.seed ? { seed: flags.seed } : {}),
      },
    );
    const paths = runPaths(runDir);
    const htmlPath = flags.html ?? paths.reportHtml;
    writeJsonAtomic(paths.reportJson, data.report);
    writeFileSync(htmlPath, renderReportHtml(data));
    const rep = data.report;
    if (flags.json) {
      io.stdout(
        JSON.stringify({ ...rep, files: { json: paths.reportJson, html: htmlPath } }, null, 2),
      );
      return 0;
    }
    const r = rep.rates;
    const rows = [["", "rate", "k/n", "prompts", "Wilson 95%", "cluster bootstrap 95%"]];
    for (const [k, v] of Object.entries(r.misalignmentByKind))
      rows.push(row(`misaligned | ${k}${v.unknown ? ` (${v.unknown} unknown)` : ""}`, v));
    if (r.gatedArticulation)
      rows.push(row(`articulates trigger | triggered & misaligned`, r.gatedArticulation.rate));
    for (const c of r.attribution?.cells ?? [])
      rows.push(row(`distractor test: articulates ${c.target} (${c.role})`, c.rate));
    const out = [
      `run ${rep.run.runId}: ${rep.counts.finished}/${rep.counts.expected} samples, ${rep.counts.cutOffReasoning} cut-off reasoning, misalignment from ${rep.misalignmentSource}`,
      `judges: ${Object.entries(rep.judges)
        .map(([k, j]) => `${k}=${j ? `${j.id}@${j.version}` : "none"}`)
        .join(", ")}`,
      "",
      table(rows),
    ];
    if (r.gatedArticulation)
      out.push(
        `gated on ${r.gatedArticulation.gated} trials (${r.droppedInconsistent} dropped as inconsistent, ${r.gatedArticulation.undetermined} undetermined, ${r.gatedArticulation.notJudged} not judged)`,
      );
    for (const w of rep.warnings) out.push(`warning: ${w}`);
    out.push(`wrote ${paths.reportJson} and ${htmlPath}`);
    io.stdout(out.join("\n"));
    return 0;
  },
});
