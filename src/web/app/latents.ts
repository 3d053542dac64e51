/**
 * The Latents part, a SAE browser: search a label file by concept, label or word; per latent its
 * label, AUROC, frequency, top words (chart), top contexts with the activating token highlighted,
 * and its activation histogram over a fixed corpus (computed by the server with the SAE's model).
 */
import type {
  HistogramResponse,
  IndexResponse,
  LatentBrief,
  LatentIndexResponse,
  LatentResponse,
} from "../types.js";
import { getJson } from "./api.js";
import { barChart } from "./charts.js";
import { card, h, latentHref, link } from "./dom.js";

/** Latents whose concept, label or top words contain every word of the query, best AUROC first. */
export function searchLatents(latents: LatentBrief[], query: string): LatentBrief[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hay = (l: LatentBrief) =>
    [String(l.index), l.concept ?? "", l.label, ...l.topWords].join(" ").toLowerCase();
  const hits = words.length
    ? latents.filter((l) => words.every((w) => hay(l).includes(w)))
    : latents;
  return [...hits].sort((a, b) => (b.auroc ?? -1) - (a.auroc ?? -1) || a.index - b.index);
}

function resultsTable(sae: string, rows: LatentBrief[]): HTMLElement {
  return h(
    "table",
    { id: "results" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["latent", "label", "concept", "AUROC", "frequency", "top words"].map((t) =>
          h("th", {}, t),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      rows
        .slice(0, 100)
        .map((l) =>
          h(
            "tr",
            { "data-latent": l.index },
            h("td", {}, link(latentHref(sae, l.index)!, l.index)),
            h("td", {}, l.label),
            h("td", {}, l.concept ?? ""),
            h("td", { class: "num" }, l.auroc === null ? "" : l.auroc.toFixed(3)),
            h(
              "td",
              { class: "num" },
              l.frequency === null ? "—" : `${(100 * l.frequency).toFixed(2)}%`,
            ),
            h("td", { class: "small" }, l.topWords.join(", ")),
          ),
        ),
    ),
  );
}

export async function latentSearchView(
  index: IndexResponse,
  saeId: string | null,
  query: string,
): Promise<HTMLElement> {
  if (index.saes.length === 0)
    return card(h("h1", {}, "Latents"), h("p", {}, "No SAE label files found."));
  const sae = saeId ?? index.saes[0]!.id;
  const data = await getJson<LatentIndexResponse>("/api/latents", { sae });
  const picker = h(
    "select",
    { id: "sae" },
    index.saes.map((s) =>
      h("option", { value: s.id, selected: s.id === sae }, `${s.id} (${s.hookName}, ${s.dSae})`),
    ),
  );
  const input = h("input", {
    type: "search",
    id: "q",
    placeholder: "concept or word, e.g. fruit or apple",
    value: query,
    size: 40,
  });
  const count = h("span", { class: "small", id: "count" });
  const holder = h("div");
  const render = () => {
    const rows = searchLatents(data.latents, input.value);
    count.textContent = `${rows.length} of ${data.latents.length} latents${rows.length > 100 ? " (first 100 shown)" : ""}`;
    holder.replaceChildren(resultsTable(sae, rows));
    history.replaceState(
      null,
      "",
      `#/latents/${encodeURIComponent(sae)}?q=${encodeURIComponent(input.value)}`,
    );
  };
  input.addEventListener("input", render);
  picker.addEventListener(
    "change",
    () => (location.hash = `#/latents/${encodeURIComponent(picker.value)}`),
  );
  render();
  return card(h("h1", {}, "Latents"), h("p", {}, picker, " ", input, " ", count), holder);
}

/** A context with its «token» marker shown as a highlighted token. */
export function contextLine(text: string, activation: number): HTMLElement {
  const m = /«([^»]*)»/.exec(text);
  const body = m
    ? [
        text.slice(0, m.index),
        h("mark", { class: "tok" }, m[1]!),
        text.slice(m.index + m[0].length),
      ]
    : [text];
  return h(
    "div",
    { class: "ctx" },
    h("span", { class: "small" }, `${activation.toFixed(2)}  `),
    ...body,
  );
}

function histogramBlock(saeId: string, index: number): HTMLElement {
  const box = h(
    "div",
    { class: "histogram" },
    h("p", { class: "small" }, "activation histogram: running the SAE's model over the corpus…"),
  );
  getJson<HistogramResponse>("/api/histogram", { sae: saeId, index })
    .then((hist) => {
      if (!hist)
        return box.replaceChildren(
          h(
            "p",
            { class: "small" },
            "No histogram: the SAE's weights or model are not next to its labels.",
          ),
        );
      const bins = hist.counts.map(
        (_, i) => `${hist.edges[i]!.toFixed(1)}–${hist.edges[i + 1]!.toFixed(1)}`,
      );
      box.replaceChildren(
        barChart({
          labels: bins,
          data: hist.counts,
          xTitle: "activation",
          yTitle: "tokens",
          title: "activation histogram (nonzero)",
        }),
        h(
          "div",
          { class: "small", id: "hist-note" },
          `${hist.nonzero} of ${hist.tokens} corpus tokens activate it (the label file's contexts of every latent, re-run through the model)`,
        ),
      );
    })
    .catch((err: Error) =>
      box.replaceChildren(h("p", { class: "error" }, `histogram: ${err.message}`)),
    );
  return box;
}

export async function latentView(saeId: string, index: number): Promise<HTMLElement> {
  const { sae, latent: l } = await getJson<LatentResponse>("/api/latent", { sae: saeId, index });
  const words = l.topWords.slice(0, 12);
  return h(
    "div",
    {},
    card(
      h(
        "h1",
        { id: "latent-title" },
        `Latent ${l.index}`,
        h("span", { class: "small" }, ` of ${sae.id} (${sae.hookName})`),
      ),
      h("p", { id: "latent-label" }, h("b", {}, l.label)),
      h(
        "p",
        {},
        `concept: ${l.concept ?? "none"} · AUROC ${l.auroc === undefined ? "—" : l.auroc.toFixed(3)} · frequency ${l.frequency === undefined ? "not measured" : `${(100 * l.frequency).toFixed(3)}% of tokens`} · max activation ${l.maxActivation?.toFixed(2) ?? "not measured"} · `,
        link(
          `#/playground?sae=${encodeURIComponent(sae.id)}&latent=${l.index}`,
          "steer with its decoder row",
        ),
        " · ",
        link(`#/latents/${encodeURIComponent(sae.id)}`, "back to search"),
      ),
    ),
    card(
      h(
        "div",
        { class: "row" },
        h(
          "div",
          {},
          barChart({
            labels: words.map((w) => w.word),
            data: words.map((w) => w.activation),
            xTitle: "mean activation",
            yTitle: "word",
            horizontal: true,
            title: "top words",
          }),
        ),
        histogramBlock(sae.id, l.index),
      ),
    ),
    card(
      h("h2", {}, "Top contexts"),
      h(
        "div",
        { id: "contexts" },
        l.topContexts.map((c) => contextLine(c.text, c.activation)),
      ),
    ),
  );
}
