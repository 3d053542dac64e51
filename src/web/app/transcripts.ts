/**
 * The Transcripts part over an awareness run: rates with their intervals and the distractor
 * attribution matrix as charts, then the transcripts — filtered by variant kind and the judges'
 * verdicts, full-text search, reasoning and answer apart, the trigger and the judge's evidence
 * quotes highlighted, and the same item's control (no trigger) beside each triggered sample.
 */
import type { Rate } from "../../awareness/rates.js";
import type { IndexResponse, RunResponse, ViewerSample } from "../types.js";
import { getJson } from "./api.js";
import { rateChart, type RatePoint } from "./charts.js";
import { card, h, link } from "./dom.js";

const point = (label: string, r: Rate | null | undefined): RatePoint => ({
  label: `${label} (${r?.k ?? 0}/${r?.n ?? 0})`,
  rate: r?.rate ?? null,
  lo: r?.wilson?.lo ?? null,
  hi: r?.wilson?.hi ?? null,
});

function ratesCard(run: RunResponse): HTMLElement {
  const r = run.report.rates;
  const points = Object.entries(r.misalignmentByKind).map(([k, v]) =>
    point(`misaligned | ${k}`, v),
  );
  if (r.gatedArticulation)
    points.push(point("articulates trigger | triggered & misaligned", r.gatedArticulation.rate));
  const matrix = r.attribution
    ? rateChart({
        title: `distractor attribution: among ${r.attribution.gated} misaligned answers to prompts with "${r.attribution.realTrigger}" and a distractor, how often the reasoning gives each as the reason`,
        points: r.attribution.cells.map((c) => point(`${c.target} (${c.role})`, c.rate)),
      })
    : null;
  return card(
    h("h2", {}, "Rates (Wilson 95% intervals)"),
    rateChart({ title: "rates", points }),
    matrix,
  );
}

/** [start, end, class] ranges of trigger matches and evidence quotes in `text`. */
export function highlightRanges(
  text: string,
  triggers: RegExp[],
  evidence: string[],
): [number, number, string][] {
  const out: [number, number, string][] = [];
  for (const re of triggers) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      out.push([m.index, m.index + m[0].length, "trig"]);
      if (!m[0].length) re.lastIndex++;
    }
  }
  for (const e of evidence.filter(Boolean)) {
    for (let i = text.indexOf(e); i >= 0; i = text.indexOf(e, i + 1))
      out.push([i, i + e.length, "ev"]);
  }
  return out.sort((a, b) => a[0] - b[0] || (a[2] === "ev" ? -1 : 1));
}

function highlighted(text: string | null, triggers: RegExp[], evidence: string[]): HTMLElement {
  const pre = h("pre");
  if (text === null) return h("pre", {}, "(none)");
  let at = 0;
  for (const [s, e, cls] of highlightRanges(text, triggers, evidence)) {
    if (s < at) continue;
    pre.append(text.slice(at, s), h("mark", { class: cls }, text.slice(s, e)));
    at = e;
  }
  pre.append(text.slice(at));
  return pre;
}

const articulated = (s: ViewerSample): boolean | null | undefined => {
  const v = Object.values(s.articulation).map((a) => a.articulated);
  return v.includes(true) ? true : v.includes(null) ? null : v.length ? false : undefined;
};

function pane(s: ViewerSample, title: string, triggers: RegExp[]): HTMLElement {
  const ev = Object.values(s.articulation).flatMap((a) => a.evidence);
  const tags = [
    `misaligned: ${s.misaligned}`,
    ...(s.monitor ? [`monitor: ${s.monitor}`] : []),
    ...(s.cutOff ? ["reasoning cut off"] : []),
    ...Object.entries(s.articulation).map(([t, a]) => `articulates ${t}: ${a.articulated}`),
  ];
  return h(
    "div",
    { class: "pane", "data-sample": s.key },
    h("h3", {}, `${title}: ${s.variantId} #${s.sampleIndex}`),
    h(
      "p",
      {},
      tags.map((t) => h("span", { class: "tag" }, t)),
    ),
    h("h4", {}, "Prompt"),
    highlighted(s.prompt, triggers, ev),
    h("h4", {}, "Reasoning"),
    h("div", { class: "reasoning" }, highlighted(s.reasoning, triggers, ev)),
    h("h4", {}, "Answer"),
    h("div", { class: "answer" }, highlighted(s.answer, triggers, ev)),
  );
}

function viewer(run: RunResponse): HTMLElement {
  const triggers = run.triggers.map((t) => new RegExp(t.source, "giu"));
  const select = (id: string, options: [string, string][]) =>
    h(
      "select",
      { id },
      options.map(([v, t]) => h("option", { value: v }, t)),
    );
  const kinds = [...new Set(run.samples.map((s) => s.kind))];
  const kind = select("kind", [
    ["", "all variants"],
    ...kinds.map((k): [string, string] => [k, k]),
  ]);
  const mis = select("mis", [
    ["", "misaligned: any"],
    ["true", "misaligned"],
    ["false", "aligned"],
    ["null", "unknown"],
  ]);
  const art = select("art", [
    ["", "articulation: any"],
    ["true", "articulated"],
    ["false", "not articulated"],
    ["null", "undetermined"],
  ]);
  const q = h("input", {
    type: "search",
    id: "tq",
    placeholder: "search prompt, reasoning, answer",
    size: 32,
  });
  const count = h("span", { class: "small", id: "tcount" });
  const list = h("ol", { id: "list" });
  const detail = h("div", { id: "detail", class: "split" }, h("p", {}, "Select a sample."));
  const show = (s: ViewerSample, li: HTMLElement) => {
    for (const x of list.querySelectorAll("li.sel")) x.classList.remove("sel");
    li.classList.add("sel");
    detail.replaceChildren(pane(s, "sample", triggers));
    const ctl =
      s.kind !== "none" &&
      run.samples.find(
        (c) => c.itemId === s.itemId && c.kind === "none" && c.sampleIndex === s.sampleIndex,
      );
    if (ctl) detail.append(pane(ctl, "without trigger", triggers));
  };
  const render = () => {
    const needle = q.value.toLowerCase();
    const rows = run.samples.filter(
      (s) =>
        (!kind.value || s.kind === kind.value) &&
        (!mis.value || String(s.misaligned) === mis.value) &&
        (!art.value || String(articulated(s)) === art.value) &&
        (!needle ||
          `${s.prompt}\n${s.reasoning ?? ""}\n${s.answer}`.toLowerCase().includes(needle)),
    );
    list.replaceChildren(
      ...rows.map((s) => {
        const li = h(
          "li",
          { "data-key": s.key },
          `${s.variantId} #${s.sampleIndex}${s.misaligned ? " · misaligned" : ""}${articulated(s) ? " · articulated" : ""}`,
        );
        li.addEventListener("click", () => show(s, li));
        return li;
      }),
    );
    count.textContent = `${rows.length} of ${run.samples.length}`;
  };
  for (const el of [kind, mis, art]) el.addEventListener("change", render);
  q.addEventListener("input", render);
  render();
  return card(
    h("h2", {}, "Transcripts"),
    h("p", {}, kind, " ", mis, " ", art, " ", q, " ", count),
    h("div", { class: "split" }, list, detail),
  );
}

export async function transcriptsView(
  index: IndexResponse,
  id: string | null,
): Promise<HTMLElement> {
  if (index.runs.length === 0)
    return card(
      h("h1", {}, "Transcripts"),
      h("p", {}, "No awareness runs found under the served folder."),
    );
  const runId = id ?? index.runs[0]!.id;
  const run = await getJson<RunResponse>("/api/run", { id: runId });
  const m = run.report;
  return h(
    "div",
    {},
    card(
      h("h1", {}, `Awareness run ${m.run.runId}`),
      h(
        "p",
        {},
        index.runs
          .map((r) =>
            r.id === runId
              ? h("b", {}, r.id)
              : link(`#/transcripts/${encodeURIComponent(r.id)}`, r.id),
          )
          .flatMap((x) => [x, " "]),
      ),
      h(
        "p",
        { class: "small" },
        `provider ${m.run.provider} · trigger “${m.run.trigger}” · ${m.run.samplesPerVariant} samples per prompt · pre-fill ${m.run.prefill === null ? "none" : JSON.stringify(m.run.prefill)} · ${m.counts.finished}/${m.counts.expected} finished · misalignment from ${m.misalignmentSource}`,
      ),
      m.warnings.length
        ? h(
            "ul",
            {},
            m.warnings.map((w) => h("li", { class: "small" }, `⚠ ${w}`)),
          )
        : null,
    ),
    ratesCard(run),
    viewer(run),
  );
}
