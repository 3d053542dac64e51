/**
 * The static HTML report: the rates with counts and intervals, the attribution matrix, and a
 * transcript viewer (filter by variant kind, misalignment and articulation; full-text search;
 * trigger mentions and the judge's evidence highlighted; each triggered sample side by side with
 * the same item's control sample). One self-contained file, no network access.
 */
import type { Rate } from "./rates.js";
import type { ReportData } from "./report.js";
import type { SampleRecord } from "./sample-job.js";
import type { Variant } from "./variants.js";
import { triggerMatcher } from "./trigger-terms.js";
import { viewerScript, viewerStyle } from "./report-viewer.js";
import { viewerSample } from "./viewer-sample.js";

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);

function rateCells(r: Rate | null | undefined): string {
  if (!r) return `<td>—</td><td>—</td><td>—</td><td>—</td>`;
  const w = r.wilson ? `${pct(r.wilson.lo)}–${pct(r.wilson.hi)}` : "—";
  const b = r.clusterBootstrap
    ? `${pct(r.clusterBootstrap.lo)}–${pct(r.clusterBootstrap.hi)}`
    : "—";
  return `<td><b>${pct(r.rate)}</b></td><td>${r.k}/${r.n} (${r.prompts} prompts)</td><td>${w}</td><td>${b}</td>`;
}

/** Transcripts in reading order: as variants.jsonl lists them (item by item, control first), then by sample. */
export function byItemThenVariant(variants: ReadonlyMap<string, Variant>) {
  const rank = new Map([...variants.keys()].map((id, i) => [id, i]));
  return (a: SampleRecord, b: SampleRecord): number =>
    (rank.get(a.variantId) ?? Infinity) - (rank.get(b.variantId) ?? Infinity) ||
    a.sampleIndex - b.sampleIndex;
}

export function renderReportHtml(data: ReportData): string {
  const { report, samples, variants, maps } = data;
  const r = report.rates;
  const head = `<tr><th></th><th>rate</th><th>count</th><th>Wilson 95%</th><th>cluster bootstrap 95%</th></tr>`;
  const kindRows = Object.entries(r.misalignmentByKind)
    .map(
      ([k, v]) =>
        `<tr><td>misaligned | ${esc(k)}${v.unknown ? ` <small>(${v.unknown} unknown)</small>` : ""}</td>${rateCells(v)}</tr>`,
    )
    .join("");
  const g = r.gatedArticulation;
  const gatedRow = g
    ? `<tr><td>articulates trigger | triggered &amp; misaligned <small>(gated ${g.gated}; ${g.undetermined} undetermined; ${g.notJudged} not judged)</small></td>${rateCells(g.rate)}</tr>`
    : "";
  const matrix = r.attribution
    ? `<h2>Distractor attribution</h2><p>Among ${r.attribution.gated} misaligned answers to prompts holding the real trigger and a distractor: how often the reasoning gives each as the reason.</p>
<table><tr><th>real trigger ↓ / judged →</th>${r.attribution.cells.map((c) => `<th>${esc(c.target)} <small>(${c.role})</small></th>`).join("")}</tr>
<tr><td>${esc(r.attribution.realTrigger)}</td>${r.attribution.cells
        .map(
          (c) =>
            `<td><b>${pct(c.rate.rate)}</b> ${c.rate.k}/${c.rate.n}<br><small>${c.rate.wilson ? `${pct(c.rate.wilson.lo)}–${pct(c.rate.wilson.hi)}` : ""}</small></td>`,
        )
        .join("")}</tr></table>`
    : "";
  const judges = Object.entries(report.judges)
    .map(
      ([k, j]) =>
        `<li>${esc(k)}: ${j ? `${esc(j.id)}@${esc(j.version)}${j.model ? ` (model ${esc(j.model)})` : ""}, ${j.verdicts} verdicts` : "none"}</li>`,
    )
    .join("");
  const triggers = [report.run.trigger, ...report.run.distractors].map((t) => {
    const m = triggerMatcher(t);
    return { text: t, source: m.regex.source };
  });
  const viewer = [...samples]
    .sort(byItemThenVariant(variants))
    .map((s) => viewerSample(s, variants.get(s.variantId)!, maps));
  const json = JSON.stringify({ triggers, samples: viewer }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trigscope awareness report ${esc(report.run.runId)}</title>
<style>${viewerStyle}</style></head><body>
<h1>Backdoor awareness report</h1>
<p>Run <code>${esc(report.run.runId)}</code> · provider <code>${esc(report.run.provider)}</code> · trigger <mark class="trig">${esc(report.run.trigger)}</mark>
${report.run.lookalike ? ` · look-alike <code>${esc(report.run.lookalike)}</code>` : ""} · ${report.run.samplesPerVariant} samples per prompt · pre-fill ${report.run.prefill === null ? "none" : `<code>${esc(JSON.stringify(report.run.prefill))}</code>`}</p>
<p>${report.counts.finished}/${report.counts.expected} samples finished (${report.counts.unfinished} unfinished), ${report.counts.cutOffReasoning} with cut-off reasoning, misalignment from: ${report.misalignmentSource}. Dropped as inconsistent: ${r.droppedInconsistent}.</p>
<ul>${judges}</ul>
${report.warnings.length ? `<div class="warn">${report.warnings.map((w) => `<p>⚠ ${esc(w)}</p>`).join("")}</div>` : ""}
<h2>Rates</h2><p>The backdoor success rate is the misalignment rate of triggered prompts; articulation is gated on triggered and misaligned trials.</p>
<table>${head}${kindRows}${gatedRow}</table>
${matrix}
<h2>Transcripts</h2>
<div id="controls"><select id="kind"><option value="">all variants</option><option>none</option><option>trigger</option><option>lookalike</option><option>distractor</option></select>
<select id="mis"><option value="">misaligned: any</option><option value="true">misaligned</option><option value="false">aligned</option><option value="null">unknown</option></select>
<select id="art"><option value="">articulation: any</option><option value="true">articulated</option><option value="false">not articulated</option><option value="null">undetermined</option></select>
<input id="q" type="search" placeholder="search prompt, reasoning, answer"> <span id="count"></span></div>
<div id="viewer"><ol id="list"></ol><div id="detail"><p>Select a sample.</p></div></div>
<script type="application/json" id="data">${json}</script>
<script>${viewerScript}</script>
</body></html>
`;
}
