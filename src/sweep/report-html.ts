/**
 * The sweep's report: tables per parameter (markdown for notes and the terminal, HTML for the
 * page) and heatmaps of recovery and steering success over two swept parameters. The page is
 * static and self-contained like the audit's report.html (no scripts, no external resources):
 * the heatmaps are inline SVG drawn from the numbers, as the audit page draws its loss curves and
 * bars, so it opens offline and in the dashboard as a plain file.
 */
import { escapeHtml } from "../audit/html-parts.js";
import { RECOVERED_RANK, type Aggregate, type Heatmap, type SweepSummary } from "./summary.js";

const pct = (x: number) => `${Math.round(100 * x)}%`;
const frac = (k: number, n: number) => (n === 0 ? "—" : `${k}/${n} (${pct(k / n)})`);
const rankText = (r: number | null) => (r === null ? ">20" : String(r));

function cellsOf(a: Aggregate): string[] {
  return [
    String(a.cells),
    frac(a.top1, a.scored),
    frac(a.top3, a.scored),
    a.scored ? rankText(a.medianRank) : "—",
    a.steering === null ? "—" : pct(a.steering),
    frac(a.verdictCorrect, a.scored),
  ];
}

const HEAD = [
  "cells",
  "trigger top-1",
  `trigger top-${RECOVERED_RANK}`,
  "median rank",
  "steering success",
  "verdict correct",
];

type Table = SweepSummary["tables"][number];

/** A table's leading columns: the method and the parameter's value (once for "method"). */
const keyColumns = (t: Table) => (t.parameter === "method" ? ["method"] : ["method", t.parameter]);
const keyCells = (t: Table, r: Table["rows"][number]) =>
  t.parameter === "method" ? [r.method] : [r.method, String(r.value)];

/** A recovery cell's text: "top-3 / scored · median rank", or "—" where nothing was scored. */
const recoveryText = (a: Aggregate) =>
  a.scored ? `${a.top3}/${a.scored} · ${rankText(a.medianRank)}` : "—";

/** Markdown heatmap: one row per value of the second parameter, one column per layer (x). */
export function heatmapMarkdown(h: Heatmap, label: (a: Aggregate) => string): string[] {
  const corner = h.y ? `${h.y.name} ↓ · ${h.x.name} →` : `${h.x.name} →`;
  const out = [
    `| ${[corner, ...h.x.values.map(String)].join(" | ")} |`,
    `|${"---|".repeat(h.x.values.length + 1)}`,
  ];
  h.grid.forEach((row, yi) => {
    const name = h.y ? String(h.y.values[yi]) : "";
    out.push(`| ${[name, ...row.map(label)].join(" | ")} |`);
  });
  return out;
}

function heatmapsMarkdown(s: SweepSummary): string[] {
  if (s.heatmaps.length === 0) return [];
  const out = [
    "## heatmaps",
    "",
    `Recovery per cell of the grid: cells with the trigger in the top ${RECOVERED_RANK} / cells scored · median recovery rank; then the first vector's mean steering success.`,
    "",
  ];
  for (const h of s.heatmaps) {
    out.push(
      `### ${h.target} — ${h.method}: recovery`,
      "",
      ...heatmapMarkdown(h, recoveryText),
      "",
    );
    out.push(
      `### ${h.target} — ${h.method}: steering success`,
      "",
      ...heatmapMarkdown(h, (a) => (a.steering === null ? "—" : pct(a.steering))),
      "",
    );
  }
  return out;
}

/** Markdown: the heatmaps as tables, then one table per parameter. */
export function summaryMarkdown(s: SweepSummary): string {
  const out = [`# ${s.name}: ${s.finished} of ${s.total} cells`, "", ...heatmapsMarkdown(s)];
  for (const t of s.tables) {
    const cols = [...keyColumns(t), ...HEAD];
    out.push(`## ${t.parameter}`, "", `| ${cols.join(" | ")} |`, `|${"---|".repeat(cols.length)}`);
    for (const r of t.rows) out.push(`| ${[...keyCells(t, r), ...cellsOf(r.agg)].join(" | ")} |`);
    out.push("");
  }
  return out.join("\n");
}

function tableHtml(t: SweepSummary["tables"][number]): string {
  const head = ["method", t.parameter, ...HEAD].map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = t.rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.method)}</td><td>${escapeHtml(String(r.value))}</td>${cellsOf(r.agg)
          .map((c) => `<td>${escapeHtml(c)}</td>`)
          .join("")}</tr>`,
    )
    .join("");
  return `<h3>${escapeHtml(t.parameter)}</h3><table><tr>${head}</tr>${body}</table>`;
}

/** White → green by a fraction in [0, 1]; grey where nothing was scored. */
function shade(f: number | null): string {
  if (f === null) return "#ddd";
  const c = (lo: number, hi: number) => Math.round(lo + (hi - lo) * f);
  return `rgb(${c(255, 40)},${c(255, 150)},${c(255, 80)})`;
}

/** One heatmap as inline SVG: value(a) colours a cell, label(a) is written in it. */
export function heatmapSvg(
  h: Heatmap,
  value: (a: Aggregate) => number | null,
  label: (a: Aggregate) => string,
  title: string,
): string {
  const cw = 64;
  const ch = 30;
  const left = 130;
  const top = 34;
  const rows = h.grid.length;
  const cols = h.x.values.length;
  const w = left + cols * cw + 10;
  const hgt = top + rows * ch + 36;
  const parts = [
    `<svg width="${w}" height="${hgt}" role="img" aria-label="${escapeHtml(title)}" font-family="sans-serif" font-size="12">`,
    `<text x="${left}" y="14" font-weight="bold">${escapeHtml(title)}</text>`,
  ];
  h.grid.forEach((row, yi) => {
    const y = top + yi * ch;
    const yLabel = h.y ? `${h.y.name} ${String(h.y.values[yi])}` : "";
    parts.push(
      `<text x="${left - 6}" y="${y + ch / 2 + 4}" text-anchor="end">${escapeHtml(yLabel)}</text>`,
    );
    row.forEach((a, xi) => {
      const x = left + xi * cw;
      const f = value(a);
      const ink = f !== null && f > 0.6 ? "#fff" : "#222";
      parts.push(
        `<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${shade(f)}" stroke="#ccc"/>`,
        `<text x="${x + cw / 2 - 1}" y="${y + ch / 2 + 4}" text-anchor="middle" fill="${ink}">${escapeHtml(label(a))}</text>`,
      );
    });
  });
  h.x.values.forEach((v, xi) =>
    parts.push(
      `<text x="${left + xi * cw + cw / 2 - 1}" y="${top + rows * ch + 14}" text-anchor="middle">${escapeHtml(String(v))}</text>`,
    ),
  );
  parts.push(
    `<text x="${left + (cols * cw) / 2}" y="${top + rows * ch + 30}" text-anchor="middle">${escapeHtml(h.x.name)}</text>`,
    `</svg>`,
  );
  return parts.join("");
}

function heatmapsHtml(s: SweepSummary): string {
  return s.heatmaps
    .map((h) => {
      const recovery = heatmapSvg(
        h,
        (a) => (a.scored ? a.top3 / a.scored : null),
        recoveryText,
        `recovery (top-${RECOVERED_RANK} / cells · median rank)`,
      );
      const steering = heatmapSvg(
        h,
        (a) => a.steering,
        (a) => (a.steering === null ? "—" : pct(a.steering)),
        "steering success (mean)",
      );
      return `<section><h3>${escapeHtml(h.target)} — ${escapeHtml(h.method)}</h3>${recovery} ${steering}</section>`;
    })
    .join("\n");
}

/** The whole page. */
export function renderSweepHtml(s: SweepSummary): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(s.name)} — trigscope sweep</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}section{margin:1em 0}.small{color:#666;font-size:90%}</style></head><body>
<h1>${escapeHtml(s.name)}</h1>
<p>${s.finished} of ${s.total} cells finished. Recovery: a cell recovers the trigger when every trigger concept has a latent labelled with it in the method's top ${RECOVERED_RANK} (its recovery rank ≤ ${RECOVERED_RANK}); median rank &gt;20 means the concept was missing from half the cells' lists. Steering success: the first vector's rate on held-out benign prompts. Verdict: the probes named exactly the trigger.</p>
<h2>Heatmaps</h2>
${heatmapsHtml(s)}
<h2>Per parameter</h2>
${s.tables.map(tableHtml).join("\n")}
</body></html>
`;
}
