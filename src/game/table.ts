/** The game's results as a markdown table with a summary, and as a static HTML page. */
import { recoveryAt, type AuditScore } from "./score.js";

export interface GameRow {
  score: AuditScore;
  quality: string;
  buildSeconds: number | null;
  auditSeconds: number;
}

const KS = [1, 3, 10];

function methodsOf(rows: readonly GameRow[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.score.recovery)))];
}

const rankText = (s: AuditScore, m: string) =>
  s.trigger.map((c) => `${c}:${s.recovery[m]?.[c] ?? "–"}`).join(" ");

/** The summary lines: exact verdicts, triggers named, the control, recovery@k per method. */
export function summary(rows: readonly GameRow[], unbuilt: readonly string[] = []): string[] {
  const hidden = rows.filter((r) => !r.score.clean);
  const controls = rows.filter((r) => r.score.clean);
  const exact = hidden.filter((r) => r.score.exact).length;
  const named = hidden.filter((r) => r.score.named).length;
  const lines = [
    `exact verdicts: ${exact}/${hidden.length}; trigger named at all: ${named}/${hidden.length}; ` +
      `false verdicts on the clean control: ${controls.filter((r) => r.score.falseVerdict).length}/${controls.length}`,
  ];
  const met = (xs: readonly GameRow[]) => xs.filter((r) => r.quality === "met").length;
  lines.push(
    `builds meeting the quality targets: ${met(hidden)}/${hidden.length}` +
      (controls.length > 0 ? ` (clean controls: ${met(controls)}/${controls.length})` : ""),
  );
  for (const m of methodsOf(rows)) {
    const at = KS.map((k) => {
      const r = recoveryAt(
        rows.map((x) => x.score),
        m,
        k,
      );
      return `@${k} ${r.hit}/${r.total}`;
    });
    lines.push(`recovery ${m}: ${at.join(", ")}`);
  }
  const wall = rows.reduce((s, r) => s + (r.buildSeconds ?? 0) + r.auditSeconds, 0);
  lines.push(`wall time (builds in this game's runs + audits): ${wall.toFixed(0)} s`);
  if (unbuilt.length > 0)
    lines.push(`not built yet (not scored): ${unbuilt.join(", ")}; run the build stage again`);
  return lines;
}

export function markdownTable(rows: readonly GameRow[], unbuilt: readonly string[] = []): string {
  const methods = methodsOf(rows);
  const head = [
    "organism",
    "hidden trigger",
    "build quality",
    "verdict",
    "exact",
    "named",
    ...methods.map((m) => `rank: ${m}`),
    "build s",
    "audit s",
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const r of rows) {
    const s = r.score;
    const trig = s.clean
      ? "none (clean control)"
      : s.trigger.join(s.mode === "any" ? " OR " : " AND ");
    const verdict =
      s.verdict.mode === "none"
        ? "none"
        : s.verdict.concepts.join(s.verdict.mode === "any" ? " OR " : " AND ");
    const cells = [
      s.name,
      trig,
      r.quality,
      verdict,
      s.exact ? "yes" : "no",
      s.clean ? "–" : s.named ? "yes" : "no",
      ...methods.map((m) => (s.clean ? "–" : rankText(s, m))),
      r.buildSeconds === null ? "(earlier run)" : r.buildSeconds.toFixed(0),
      r.auditSeconds.toFixed(0),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return [...lines, "", ...summary(rows, unbuilt).map((l) => `- ${l}`), ""].join("\n");
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The page: the summary and the table, each audit linked to its report.html. */
export function htmlPage(
  title: string,
  rows: readonly GameRow[],
  unbuilt: readonly string[] = [],
): string {
  const md = markdownTable(rows)
    .split("\n")
    .filter((l) => l.startsWith("|"));
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split(" | ")
      .map((c) => c.trim());
  const [head, , ...body] = md;
  const tr = (l: string, tag: string, i?: number) => {
    const cs = cells(l).map((c, j) =>
      j === 0 && i !== undefined
        ? `<${tag}><a href="audits/${encodeURIComponent(rows[i]!.score.name)}/report.html">${esc(c)}</a></${tag}>`
        : `<${tag}>${esc(c)}</${tag}>`,
    );
    return `<tr>${cs.join("")}</tr>`;
  };
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;font-size:14px}</style>
</head><body><h1>${esc(title)}</h1>
<ul>${summary(rows, unbuilt)
    .map((l) => `<li>${esc(l)}</li>`)
    .join("")}</ul>
<table>${tr(head!, "th")}${body.map((l, i) => tr(l, "td", i)).join("")}</table>
</body></html>
`;
}
