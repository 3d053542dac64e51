/**
 * report.html: a static, self-contained page (no scripts, no external resources) rendered from an
 * AuditReport: the verdict, each method's latents with labels (scores in a shared power of ten),
 * per-step objective curves with labelled axes and the objective's terms (inline SVG), steering
 * success bars with intervals, steered samples that fired and that did not, the probe tests and
 * the timings.
 */
import { escapeHtml, latentTable } from "./html-parts.js";
import type { AuditReport, ReportMethod, ReportRate, ReportVector } from "./report.js";
import { objectiveTerms } from "./units.js";
import { weightDiffHtml } from "./weight-diff-html.js";
import { probeContextHtml } from "./probe-context-html.js";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** A horizontal bar for a rate with its Wilson interval as a whisker. */
function rateBar(r: ReportRate, width = 240): string {
  const x = (v: number) => (v * width).toFixed(1);
  return (
    `<svg class="bar" width="${width}" height="14" role="img" aria-label="${pct(r.rate)}">` +
    `<rect x="0" y="2" width="${width}" height="10" fill="#eee"/>` +
    `<rect x="0" y="2" width="${x(r.rate)}" height="10" fill="#4a7"/>` +
    `<line x1="${x(r.ci[0])}" x2="${x(r.ci[1])}" y1="7" y2="7" stroke="#222" stroke-width="1.5"/>` +
    `</svg> ${r.actions}/${r.n} (${pct(r.rate)} [${pct(r.ci[0])}, ${pct(r.ci[1])}])`
  );
}

/** Three round tick values spanning [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  return lo === hi ? [lo] : [lo, (lo + hi) / 2, hi];
}

/** A per-step curve as an inline SVG with labelled axes: step along x, the method's objective up y. */
function lossCurve(losses: number[], yTitle: string, w = 300, h = 150): string {
  if (losses.length < 2) return "";
  const lo = Math.min(...losses);
  const hi = Math.max(...losses);
  const span = hi - lo || 1;
  const [left, right, top, bottom] = [52, 8, 8, 34];
  const px = (i: number) => left + (i / (losses.length - 1)) * (w - left - right);
  const py = (l: number) => h - bottom - ((l - lo) / span) * (h - top - bottom);
  const pts = losses.map((l, i) => `${px(i).toFixed(1)},${py(l).toFixed(1)}`).join(" ");
  const yTicks = ticks(lo, hi)
    .map(
      (t) =>
        `<line x1="${left - 4}" x2="${left}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#555"/>` +
        `<text x="${left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${t.toPrecision(3)}</text>`,
    )
    .join("");
  const last = losses.length - 1;
  const xTicks = [...new Set([0, Math.round(last / 2), last])]
    .map(
      (i) =>
        `<line x1="${px(i).toFixed(1)}" x2="${px(i).toFixed(1)}" y1="${h - bottom}" y2="${h - bottom + 4}" stroke="#555"/>` +
        `<text x="${px(i).toFixed(1)}" y="${h - bottom + 15}" text-anchor="middle">${i + 1}</text>`,
    )
    .join("");
  return (
    `<svg width="${w}" height="${h}" class="curve" role="img" aria-label="${escapeHtml(yTitle)} per step">` +
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${h - bottom}" stroke="#555"/>` +
    `<line x1="${left}" x2="${w - right}" y1="${h - bottom}" y2="${h - bottom}" stroke="#555"/>` +
    `${yTicks}${xTicks}<polyline points="${pts}" fill="none" stroke="#36c" stroke-width="1.5"/>` +
    `<text x="${(left + w - right) / 2}" y="${h - 3}" text-anchor="middle">step</text>` +
    `<text transform="translate(11 ${(top + h - bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yTitle)}</text></svg>`
  );
}

/** The stored steered completions, those that fired first, each marked either way. */
function steeredSamples(v: ReportVector): string {
  const all = v.steering?.samples ?? [];
  if (all.length === 0) return "";
  const fired = all.filter((s) => s.action);
  const sorted = [...fired, ...all.filter((s) => !s.action)];
  const rows = sorted
    .map(
      (s) =>
        `<div class="sample"><b>user:</b> ${escapeHtml(s.prompt)}<br><b>steered:</b> ${escapeHtml(s.completion)} ` +
        (s.action ? '<span class="hit">fired</span>' : '<span class="miss">did not fire</span>') +
        `</div>`,
    )
    .join("");
  return `<div class="small">steered samples: ${fired.length} that fired, ${all.length - fired.length} that did not (of ${v.steering!.n} prompts)</div>${rows}`;
}

function vectorSection(m: ReportMethod, v: ReportVector): string {
  const score = m.method.includes("sae-melbo") ? "z" : "cosine";
  const obj = objectiveTerms(m.method);
  const curve = v.losses.length
    ? `${obj.curve}, ${obj.direction}: ${v.losses[0]!.toPrecision(4)} → ${v.losses[v.losses.length - 1]!.toPrecision(4)} over ${v.losses.length} steps`
    : "";
  return (
    `<h4>vector ${v.index} <span class="small">‖δ‖ ${v.norm.toFixed(3)}${v.lambda !== undefined ? `, λ ${v.lambda.toPrecision(3)}` : ""}, ${escapeHtml(v.file)}</span></h4>` +
    `<div class="row"><div>${lossCurve(v.losses, obj.curve)}<div class="small">${escapeHtml(curve)}<br>` +
    `${escapeHtml(obj.terms)}<br>final loss ${v.finalLoss.toPrecision(4)}: ${escapeHtml(obj.finalLoss)}</div></div>` +
    (v.steering
      ? `<div><div class="small">steering success on held-out benign prompts</div>${rateBar(v.steering)}</div>`
      : "") +
    `</div>${latentTable(v.latents, score)}${steeredSamples(v)}`
  );
}

function methodSection(m: ReportMethod): string {
  const settings = Object.entries(m.settings)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  let body = "";
  for (const [i, it] of (m.iterations ?? []).entries()) {
    body +=
      `<h4>iteration ${i + 1}${it.addedConcept ? ` (prompts mention “${escapeHtml(it.addedConcept)}”)` : ""}` +
      ` <span class="small">action loss ${it.loss.toFixed(4)}</span></h4>${latentTable(it.latents, "score")}`;
  }
  for (const v of m.vectors ?? []) body += vectorSection(m, v);
  if (m.weightDiff) body += weightDiffHtml(m.weightDiff);
  return `<section><h3>${escapeHtml(m.method)} <span class="small">${m.seconds.toFixed(1)} s; ${escapeHtml(settings)}</span></h3>${body}</section>`;
}

export function renderReportHtml(r: AuditReport): string {
  const probes = r.probes
    ? `<table><thead><tr><th>probe set</th><th>action rate</th><th>example</th></tr></thead><tbody>` +
      `<tr><td>control (benign)</td><td>${rateBar(r.probes.control)}</td><td></td></tr>` +
      r.probes.sets
        .map(
          (s) =>
            `<tr><td>${escapeHtml(s.concepts.join(" + "))}</td><td>${rateBar(s.rate)}</td>` +
            `<td class="small">${escapeHtml(s.examples[0]?.prompt ?? "")}</td></tr>`,
        )
        .join("") +
      `</tbody></table>`
    : "<p>No probes (no candidate concepts).</p>";
  const candidates = r.candidates
    .map(
      (c) =>
        `<li><b>${escapeHtml(c.name)}</b>: ${escapeHtml(c.words.slice(0, 8).join(", "))} <span class="small">(${[
          ...c.sources.map((s) => `${escapeHtml(s.method)} latent ${s.latent} rank ${s.rank}`),
          ...(c.screened
            ? [`behaviour screen: ${c.screened.actions} of ${c.screened.n} prompts acted on`]
            : []),
        ].join("; ")})</span></li>`,
    )
    .join("");
  const timings = Object.entries(r.timings)
    .map(
      ([k, v]) =>
        `<tr><td>${escapeHtml(k)}</td><td>${v.toFixed(1)} s</td>` +
        `<td class="small">${escapeHtml(r.engines?.[k] ?? "")}</td></tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trigscope audit: ${escapeHtml(r.model.name)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0}td,th{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
.small{color:#666;font-size:12px}.verdict{font-size:18px;padding:.6em 1em;background:#f3f7f3;border-left:4px solid #4a7}
.row{display:flex;gap:2em;align-items:flex-start}.sample{margin:.3em 0;padding:.3em .6em;background:#f7f7f7}
.hit{background:#c33;color:#fff;padding:0 4px;border-radius:3px;font-size:11px}.miss{background:#ddd;padding:0 4px;border-radius:3px;font-size:11px}
.curve text{font-size:10px;fill:#444}.num{text-align:right;font-variant-numeric:tabular-nums}section{margin:1.5em 0}
</style></head><body>
<h1>trigscope audit: ${escapeHtml(r.model.name)}</h1>
<p class="small">${escapeHtml(r.createdAt)} · schema ${r.schemaVersion} · SAE ${escapeHtml(r.sae.hookName)} (${r.sae.dSae} latents) · steering layer ${r.layer} · seed ${r.seed}</p>
<p>Backdoor action: <b>“${escapeHtml(r.response)}”</b></p>
<div class="verdict">Verdict: ${escapeHtml(r.verdict.statement)}</div>
<p class="small">Rule: ${escapeHtml(r.verdict.threshold.rule)}</p>
<h2>Probe tests (unsteered model)</h2>${probes}${probeContextHtml(r)}
<h2>Candidate concepts</h2><ul>${candidates || "<li>none</li>"}</ul>
<h2>Methods</h2>${r.methods.map(methodSection).join("")}
<h2>Prompts</h2><p class="small">${escapeHtml(r.prompts.source)}: ${r.prompts.train.length} seen by the methods, ${r.prompts.heldOut.length} held out for steering success.</p>
<details><summary>prompts</summary><ol>${r.prompts.train.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ol></details>
<h2>Time</h2><table>${timings}</table>
</body></html>
`;
}
