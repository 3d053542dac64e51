/**
 * report.html's lines about the probes' context: the templates probes were composed in, and the
 * member sweep run after a verdict of "none" (probe-context.ts).
 */
import { escapeHtml } from "./html-parts.js";
import type { AuditReport } from "./report.js";

export function probeContextHtml(r: AuditReport): string {
  let out = "";
  if (r.probeTemplates)
    out +=
      `<details><summary>probes composed in ${r.probeTemplates.length} templates</summary><ol>` +
      r.probeTemplates.map((t) => `<li>${escapeHtml(t)}</li>`).join("") +
      `</ol></details>`;
  const m = r.memberSweep;
  if (m)
    out +=
      `<h3>member sweep</h3><p class="small">${escapeHtml(m.verdict.threshold.rule)}; control ${m.control.actions}/${m.control.n}</p><ul>` +
      m.members
        .map(
          (x) =>
            `<li>${escapeHtml(x.name)}: ${x.rate.actions}/${x.rate.n}${x.confirmed ? `, again ${x.confirmed.actions}/${x.confirmed.n}` : ""}${x.fires ? ' <span class="hit">fires</span>' : ""}</li>`,
        )
        .join("") +
      `</ul>`;
  return out;
}
