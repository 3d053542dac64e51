/**
 * The pieces of report.html that its sections share (the main page, the weight-diff section, the
 * probe-context section, the sweep report): escaping and the latent table. Apart from html.ts, so
 * the sections do not import the page that imports them.
 */
import type { ReportLatent } from "./report.js";
import { scoreScale } from "./units.js";

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** The first `rows` latents: rank, index, score (in a shared power of ten), concept, AUROC, label, top words. */
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
