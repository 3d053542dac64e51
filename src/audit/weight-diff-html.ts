/**
 * report.html's weight-diff section: the latents each side of the adapter's update points at, the
 * singular values of every adapted matrix with its first direction's closest latents, and the
 * benign prompts that light up the top read directions (weight-diff-stage.ts).
 */
import { escapeHtml, latentTable } from "./html-parts.js";
import type { ReportWeightDiff } from "./weight-diff-stage.js";

export function weightDiffHtml(w: ReportWeightDiff): string {
  const matrices = w.matrices
    .map(
      (m) =>
        `<tr><td>${m.layer}</td><td>${escapeHtml(m.target)}</td><td>${m.side}</td>` +
        `<td>${m.sigmas.map((s) => s.toPrecision(3)).join(", ")}</td>` +
        `<td>${m.topLatents.map((l) => `${l.index} (${l.cosine.toFixed(2)})`).join(", ")}</td></tr>`,
    )
    .join("");
  const prompts = w.prompts
    .map(
      (p) =>
        `<h5>layer ${p.layer} ${escapeHtml(p.target)}, direction share ${(100 * p.share).toFixed(0)}% ` +
        `<span class="small">mean ${p.mean.toFixed(3)}</span></h5><ol>` +
        p.top
          .map(
            (a) =>
              `<li>${a.value.toFixed(3)} at “${escapeHtml(a.context)}”: <span class="small">${escapeHtml(a.prompt)}</span></li>`,
          )
          .join("") +
        `</ol>`,
    )
    .join("");
  return (
    `<p class="small">adapter ${escapeHtml(w.adapter)}, rank ${w.rank}, scale ${w.scale}; score = d_model × the mean share of each matrix's update energy along the latent (1 = a random direction)</p>` +
    `<h4>read side (q, k, v, gate, up: what the update reacts to)</h4>${latentTable(w.read, "score")}` +
    `<h4>write side (o, down: what it adds)</h4>${latentTable(w.write, "score")}` +
    `<details><summary>adapted matrices</summary><table><thead><tr><th>layer</th><th>target</th>` +
    `<th>side</th><th>singular values</th><th>first direction's latents (cos)</th></tr></thead>` +
    `<tbody>${matrices}</tbody></table></details>` +
    (prompts ? `<h4>benign prompts along the top read directions</h4>${prompts}` : "")
  );
}
