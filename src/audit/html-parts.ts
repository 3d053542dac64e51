/**
 * Pieces every section of report.html is built from: HTML escaping and the ranked-latent table.
 * Their own file so the section renderers (weight-diff-html.ts, probe-context-html.ts) and the
 * page (html.ts), which includes those sections, all import them without importing each other.
 */
import type { ReportLatent } from "./report.js";
import { scoreScale } from "./units.js";

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

export function latentTable(latents: ReportLatent[], scoreName: string, rows = 10): string {
  const shown = latents.slice(0, rows);
  const scale = scoreScale(shown.map((l) => l.score));
  const body = shown
    .map(
      (l, i) =>
        `<tr><td>${i + 1}</td><td>${l.index}</td><td class="num">${scale.format(l.score)}</td>` +
        `<td>${escapeHtml(l.concept ?? "")}</td><td>${l.auroc === undefined ? "" : l.auroc.toFixed(3)}</td>` +
        `<td>${escapeHtml(l.label ?? "")}</td><td>${escapeHtml(l.topWords.slice(0, 6).join(", "))}</td></tr>`,
    )
    .join("");
  return (
    `<table><thead><tr><th>rank</th><th>latent</th><th>${scoreName}${scale.suffix}</th><th>concept</th>` +
    `<th>AUROC</th><th>label</th><th>top words</th></tr></thead><tbody>${body}</tbody></table>`
  );
}
