/**
 * report.html: a static, self-contained page (no scripts, no external resources) rendered from an
 * AuditReport: the verdict, each method's latents with labels, loss curves (inline SVG), steering
 * success bars with intervals, steered samples, the probe tests and the timings.
 */
import type {
  AuditReport,
  ReportLatent,
  ReportMethod,
  ReportRate,
  ReportVector,
} from "./report.js";
import { weightDiffHtml } from "./weight-diff-html.js";
import { probeContextHtml } from "./probe-context-html.js";

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

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

/** A loss curve as an inline SVG polyline. */
function lossCurve(losses: number[], w = 240, h = 60): string {
  if (losses.length < 2) return "";
  const lo = Math.min(...losses);
  const hi = Math.max(...losses);
  const span = hi - lo || 1;
  const pts = losses
    .map((l, i) => {
      const px = (i / (losses.length - 1)) * (w - 4) + 2;
      const py = h - 2 - ((l - lo) / span) * (h - 4);
      return `${px.toFixed(1)},${py.toFixed(1)}`;
    })
    .join(" ");
  return (
    `<svg width="${w}" height="${h}" class="curve" role="img" aria-label="loss curve">` +
    `<rect width="${w}" height="${h}" fill="#fafafa" stroke="#ddd"/>` +
    `<polyline points="${pts}" fill="none" stroke="#36c" stroke-width="1.5"/></svg>` +
    `<div class="small">${losses[0]!.toFixed(3)} → ${losses[losses.length - 1]!.toFixed(3)} over ${losses.length} steps</div>`
  );
}

export function latentTable(latents: ReportLatent[], scoreName: string, rows = 10): string {
  const body = latents
    .slice(0, rows)
    .map(
      (l, i) =>
        `<tr><td>${i + 1}</td><td>${l.index}</td><td>${l.score.toFixed(4)}</td>` +
        `<td>${escapeHtml(l.concept ?? "")}</td><td>${l.auroc === undefined ? "" : l.auroc.toFixed(3)}</td>` +
        `<td>${escapeHtml(l.label ?? "")}</td><td>${escapeHtml(l.topWords.slice(0, 6).join(", "))}</td></tr>`,
    )
    .join("");
  return (
    `<table><thead><tr><th>rank</th><th>latent</th><th>${scoreName}</th><th>concept</th>` +
    `<th>AUROC</th><th>label</th><th>top words</th></tr></thead><tbody>${body}</tbody></table>`
  );
}

function vectorSection(m: ReportMethod, v: ReportVector): string {
  const score = m.method.includes("sae-melbo") ? "z" : "cosine";
  const samples = (v.steering?.samples ?? [])
    .map(
      (s) =>
        `<div class="sample"><b>user:</b> ${escapeHtml(s.prompt)}<br><b>steered:</b> ${escapeHtml(s.completion)}` +
        `${s.action ? ' <span class="hit">action</span>' : ""}</div>`,
    )
    .join("");
  return (
    `<h4>vector ${v.index} <span class="small">‖δ‖ ${v.norm.toFixed(3)}, final loss ${v.finalLoss.toFixed(4)}${v.lambda !== undefined ? `, λ ${v.lambda.toPrecision(3)}` : ""}, ${escapeHtml(v.file)}</span></h4>` +
    `<div class="row"><div>${lossCurve(v.losses)}</div>` +
    (v.steering
      ? `<div><div class="small">steering success on held-out benign prompts</div>${rateBar(v.steering)}</div>`
      : "") +
    `</div>${latentTable(v.latents, score)}${samples}`
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
        `<li><b>${escapeHtml(c.name)}</b>: ${escapeHtml(c.words.slice(0, 8).join(", "))} <span class="small">(${c.sources
          .map((s) => `${escapeHtml(s.method)} latent ${s.latent} rank ${s.rank}`)
          .join("; ")})</span></li>`,
    )
    .join("");
  const timings = Object.entries(r.timings)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${v.toFixed(1)} s</td></tr>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trigscope audit: ${escapeHtml(r.model.name)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0}td,th{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
.small{color:#666;font-size:12px}.verdict{font-size:18px;padding:.6em 1em;background:#f3f7f3;border-left:4px solid #4a7}
.row{display:flex;gap:2em;align-items:flex-start}.sample{margin:.3em 0;padding:.3em .6em;background:#f7f7f7}
.hit{background:#c33;color:#fff;padding:0 4px;border-radius:3px;font-size:11px}section{margin:1.5em 0}
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
