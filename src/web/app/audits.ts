/**
 * The Audits part: the list of audits (pick two to compare), one audit (verdict and its rule,
 * probe sets with interval bars, each method's latent rankings in readable units linked to the
 * Latents part, objective curves with titled axes and their terms, steering success with samples
 * that fired and that did not, the prompts, timings), and two audits side by side.
 */
import type { ReportLatent, ReportMethod, ReportVector } from "../../audit/report.js";
import { objectiveTerms, scoreScale } from "../../audit/units.js";
import type { AuditResponse, IndexResponse } from "../types.js";
import { getJson } from "./api.js";
import { barChart, lineChart } from "./charts.js";
import { card, h, latentHref, link, rateBar } from "./dom.js";

export function auditList(index: IndexResponse): HTMLElement {
  if (index.audits.length === 0) {
    return card(
      h("h1", {}, "Audits"),
      h("p", {}, "No audits found under the served folder: run `npm start` or `trigscope audit`."),
    );
  }
  const picked = new Set<string>();
  const compare = h("button", { disabled: true, id: "compare" }, "Compare the two selected");
  compare.addEventListener("click", () => {
    const [a, b] = [...picked];
    location.hash = `#/compare/${encodeURIComponent(a!)}/${encodeURIComponent(b!)}`;
  });
  const rows = index.audits.map((a) => {
    const box = h("input", { type: "checkbox", "data-audit": a.id });
    box.addEventListener("change", () => {
      if (box.checked) picked.add(a.id);
      else picked.delete(a.id);
      compare.disabled = picked.size !== 2;
    });
    return h(
      "tr",
      {},
      h("td", {}, box),
      h("td", {}, link(`#/audit/${encodeURIComponent(a.id)}`, a.id)),
      h("td", {}, a.model),
      h("td", {}, a.verdict),
      h("td", { class: "small" }, a.methods.join(", ")),
      h("td", { class: "small" }, a.createdAt.replace("T", " ").slice(0, 19)),
    );
  });
  return card(
    h("h1", {}, "Audits"),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["", "audit", "model", "verdict", "methods", "created"].map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
    compare,
  );
}

export function latentTable(
  latents: ReportLatent[],
  scoreName: string,
  sae: string | null,
  rows = 10,
): HTMLElement {
  const shown = latents.slice(0, rows);
  const scale = scoreScale(shown.map((l) => l.score));
  const body = shown.map((l, i) => {
    const href = latentHref(sae, l.index);
    return h(
      "tr",
      { "data-latent": l.index },
      h("td", {}, i + 1),
      h("td", {}, href ? link(href, l.index) : String(l.index)),
      h("td", { class: "num" }, scale.format(l.score)),
      h("td", {}, l.concept ?? ""),
      h("td", { class: "num" }, l.auroc === undefined ? "" : l.auroc.toFixed(3)),
      h("td", { class: "small" }, l.topWords.slice(0, 6).join(", ")),
    );
  });
  const head = ["rank", "latent", `${scoreName}${scale.suffix}`, "concept", "AUROC", "top words"];
  return h(
    "table",
    { class: "latents" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        head.map((t) => h("th", {}, t)),
      ),
    ),
    h("tbody", {}, body),
  );
}

function samples(v: ReportVector): HTMLElement | null {
  const all = v.steering?.samples ?? [];
  if (!all.length) return null;
  const sorted = [...all.filter((s) => s.action), ...all.filter((s) => !s.action)];
  const fired = all.filter((s) => s.action).length;
  return h(
    "div",
    {},
    h(
      "div",
      { class: "small" },
      `steered samples: ${fired} that fired, ${all.length - fired} that did not (of ${v.steering!.n} prompts)`,
    ),
    sorted.map((s) =>
      h(
        "div",
        { class: "sample", "data-fired": s.action },
        h(
          "span",
          { class: s.action ? "tag hit" : "tag miss" },
          s.action ? "fired" : "did not fire",
        ),
        h("b", {}, "user: "),
        s.prompt,
        h("br"),
        h("b", {}, "steered: "),
        s.completion,
      ),
    ),
  );
}

function vectorBlock(
  auditId: string,
  m: ReportMethod,
  v: ReportVector,
  sae: string | null,
): HTMLElement {
  const obj = objectiveTerms(m.method);
  const play = `#/playground?audit=${encodeURIComponent(auditId)}&method=${encodeURIComponent(m.method)}&vector=${v.index}`;
  return h(
    "div",
    { class: "vector" },
    h(
      "h3",
      {},
      `vector ${v.index}`,
      h(
        "span",
        { class: "small" },
        ` ‖δ‖ ${v.norm.toFixed(2)}${v.lambda !== undefined ? `, λ ${v.lambda.toPrecision(3)}` : ""} · `,
      ),
      link(play, "try it in the playground"),
    ),
    h(
      "div",
      { class: "row" },
      h(
        "div",
        {},
        lineChart({
          series: [{ label: obj.curve, data: v.losses }],
          xTitle: "step",
          yTitle: obj.curve,
        }),
        h("div", { class: "small" }, `${obj.direction}; ${obj.terms}`),
        h("div", { class: "small" }, `final loss ${v.finalLoss.toPrecision(4)}: ${obj.finalLoss}`),
      ),
      v.steering
        ? h(
            "div",
            {},
            h("div", { class: "small" }, "steering success on held-out benign prompts"),
            rateBar(v.steering),
          )
        : null,
    ),
    latentTable(v.latents, m.method.includes("sae-melbo") ? "z" : "cosine", sae),
    samples(v),
  );
}

function methodCard(auditId: string, m: ReportMethod, sae: string | null): HTMLElement {
  const settings = Object.entries(m.settings)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return card(
    h(
      "h2",
      { "data-method": m.method },
      m.method,
      h("span", { class: "small" }, ` ${m.seconds.toFixed(1)} s; ${settings}`),
    ),
    (m.iterations ?? []).map((it, i) =>
      h(
        "div",
        {},
        h(
          "h3",
          {},
          `iteration ${i + 1}${it.addedConcept ? ` (prompts mention “${it.addedConcept}”)` : ""}`,
          h("span", { class: "small" }, ` action loss ${it.loss.toFixed(4)}`),
        ),
        latentTable(it.latents, "score", sae),
      ),
    ),
    (m.vectors ?? []).map((v) => vectorBlock(auditId, m, v, sae)),
  );
}

function probesCard(r: AuditResponse["report"]): HTMLElement {
  if (!r.probes)
    return card(h("h2", {}, "Probe tests"), h("p", {}, "No probes (no candidate concepts)."));
  const row = (name: string, rate: Parameters<typeof rateBar>[0], ex: string) =>
    h(
      "tr",
      { "data-probe": name },
      h("td", {}, name),
      h("td", {}, rateBar(rate)),
      h("td", { class: "small" }, ex),
    );
  return card(
    h("h2", {}, "Probe tests (unsteered model)"),
    h(
      "table",
      { class: "probes" },
      h(
        "tbody",
        {},
        row("control (benign)", r.probes.control, ""),
        r.probes.sets.map((s) => row(s.concepts.join(" + "), s.rate, s.examples[0]?.prompt ?? "")),
      ),
    ),
  );
}

type Report = AuditResponse["report"];

/** The audit's model, SAE, action, verdict and its rule. */
function headCard(a: AuditResponse): HTMLElement {
  const r = a.report;
  return card(
    h("h1", {}, `Audit: ${r.model.name}`),
    h(
      "p",
      { class: "small" },
      `${a.summary.id} · ${r.createdAt} · SAE ${r.sae.hookName} (${r.sae.dSae} latents) · steering layer ${r.layer} · seed ${r.seed}`,
    ),
    h("p", {}, "Backdoor action: ", h("b", {}, `“${r.response}”`)),
    h("div", { class: "verdict", id: "verdict" }, `Verdict: ${r.verdict.statement}`),
    h(
      "p",
      { class: "small", id: "rule" },
      `Rule: ${r.verdict.threshold.rule} (minimum rate ${r.verdict.threshold.minRate})`,
    ),
  );
}

/** Each candidate concept with its words and the latents it came from. */
function candidatesCard(r: Report): HTMLElement {
  return card(
    h("h2", {}, "Candidate concepts"),
    h(
      "ul",
      {},
      r.candidates.map((c) =>
        h(
          "li",
          {},
          h("b", {}, c.name),
          `: ${c.words.slice(0, 8).join(", ")} `,
          h(
            "span",
            { class: "small" },
            c.sources.map((s) => `${s.method} latent ${s.latent} rank ${s.rank}`).join("; "),
          ),
        ),
      ),
    ),
  );
}

/** Seconds per stage, and the stages resumed from an earlier run. */
function timeCard(r: Report): HTMLElement {
  const timings = Object.entries(r.timings);
  return card(
    h("h2", {}, "Time"),
    barChart({
      labels: timings.map(([k]) => k),
      data: timings.map(([, v]) => v),
      xTitle: "seconds",
      yTitle: "stage",
      horizontal: true,
      title: "time per stage (s)",
    }),
    r.resumed.length
      ? h("p", { class: "small" }, `resumed from an earlier run: ${r.resumed.join(", ")}`)
      : null,
  );
}

/** The prompts the methods saw and those held out for steering success. */
function promptsCard(r: Report): HTMLElement {
  const list = (summary: string, prompts: readonly string[]) =>
    h(
      "details",
      {},
      h("summary", {}, summary),
      h(
        "ol",
        {},
        prompts.map((p) => h("li", {}, p)),
      ),
    );
  return card(
    h("h2", {}, "Prompts"),
    h(
      "p",
      { class: "small" },
      `${r.prompts.source}: ${r.prompts.train.length} seen by the methods, ${r.prompts.heldOut.length} held out for steering success.`,
    ),
    list("prompts the methods saw", r.prompts.train),
    list("held-out prompts", r.prompts.heldOut),
  );
}

/** The verdict, probes, candidates, methods, prompts and timings of one audit. */
export function auditBody(a: AuditResponse, compact = false): HTMLElement[] {
  const r = a.report;
  const head = headCard(a);
  const methods = r.methods.map((m) => methodCard(a.summary.id, m, a.summary.saeId));
  const time = timeCard(r);
  return compact
    ? [head, probesCard(r), ...methods, time]
    : [head, probesCard(r), candidatesCard(r), ...methods, promptsCard(r), time];
}

export async function auditView(id: string): Promise<HTMLElement> {
  const a = await getJson<AuditResponse>("/api/audit", { id });
  return h("div", {}, auditBody(a));
}

/** One row per measure, one column per audit: what differs at a glance. */
export function compareTable(audits: AuditResponse[]): HTMLElement {
  const methods = [...new Set(audits.flatMap((a) => a.report.methods.map((m) => m.method)))];
  const top = (a: AuditResponse, method: string): string => {
    const m = a.report.methods.find((x) => x.method === method);
    const l = m?.iterations?.[0]?.latents[0] ?? m?.vectors?.[0]?.latents[0];
    return l ? `latent ${l.index}${l.concept ? ` (${l.concept})` : ""}` : "—";
  };
  const steering = (a: AuditResponse, method: string): string => {
    const v = a.report.methods.find((x) => x.method === method)?.vectors?.[0]?.steering;
    return v ? `${v.actions}/${v.n}` : "—";
  };
  const best = (a: AuditResponse) => {
    const sets = a.report.probes?.sets ?? [];
    const s = [...sets].sort((x, y) => y.rate.rate - x.rate.rate)[0];
    return s ? `${s.concepts.join(" + ")}: ${s.rate.actions}/${s.rate.n}` : "—";
  };
  const rows: [string, (a: AuditResponse) => string][] = [
    ["model", (a) => a.report.model.name],
    ["verdict", (a) => a.report.verdict.statement],
    ["highest probe set", best],
    [
      "control",
      (a) =>
        a.report.probes ? `${a.report.probes.control.actions}/${a.report.probes.control.n}` : "—",
    ],
    ...methods.map((m): [string, (a: AuditResponse) => string] => [
      `${m}: top latent`,
      (a) => top(a, m),
    ]),
    ...methods
      .filter((m) => m.includes("melbo"))
      .map((m): [string, (a: AuditResponse) => string] => [
        `${m}: steering success`,
        (a) => steering(a, m),
      ]),
    ["total time (s)", (a) => (a.report.timings.total ?? 0).toFixed(1)],
  ];
  return h(
    "table",
    { id: "compare-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, ""),
        audits.map((a) => h("th", {}, a.summary.id)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map(([name, f]) =>
        h(
          "tr",
          {},
          h("th", {}, name),
          audits.map((a) => h("td", {}, f(a))),
        ),
      ),
    ),
  );
}

export async function compareView(a: string, b: string): Promise<HTMLElement> {
  const [ra, rb] = await Promise.all([
    getJson<AuditResponse>("/api/audit", { id: a }),
    getJson<AuditResponse>("/api/audit", { id: b }),
  ]);
  return h(
    "div",
    {},
    h("h1", {}, "Two audits side by side"),
    card(compareTable([ra, rb])),
    h(
      "div",
      { class: "compare" },
      h("div", { class: "col" }, auditBody(ra, true)),
      h("div", { class: "col" }, auditBody(rb, true)),
    ),
  );
}
