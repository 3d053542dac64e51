/**
 * A few DOM helpers for the page: elements built with text through textContent (never innerHTML,
 * so report text cannot inject markup), rate bars with interval whiskers, links between parts.
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((ev: Event) => void) | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || (v === false && !k.startsWith("data-"))) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (k === "class") el.className = String(v);
    else if (k === "style") el.setAttribute("style", String(v));
    else if (k in el && typeof v !== "string") Object.assign(el, { [k]: v });
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "object" ? c : String(c));
  }
  return el;
}

export const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;

export interface RateLike {
  n: number;
  actions?: number;
  k?: number;
  rate: number | null;
  ci?: [number, number];
  lo?: number;
  hi?: number;
}

/** A rate as a bar whose fill width is the rate, with its interval as a whisker, and the counts. */
export function rateBar(r: RateLike): HTMLElement {
  const rate = r.rate ?? 0;
  const [lo, hi] = r.ci ?? [r.lo ?? rate, r.hi ?? rate];
  const count = r.actions ?? r.k ?? 0;
  return h(
    "span",
    { class: "rate", "data-rate": rate },
    h(
      "span",
      { class: "bar" },
      h("span", { class: "fill", style: `width:${(100 * rate).toFixed(2)}%` }),
      h("span", {
        class: "ci",
        style: `left:${(100 * lo).toFixed(2)}%;width:${(100 * (hi - lo)).toFixed(2)}%`,
      }),
    ),
    `${count}/${r.n} (${r.rate === null ? "—" : pct(rate)} [${pct(lo, 0)}, ${pct(hi, 0)}])`,
  );
}

export const link = (href: string, text: string | number) => h("a", { href }, String(text));

export const card = (...children: (Child | Child[])[]) =>
  h("section", { class: "card" }, ...children);

export const latentHref = (sae: string | null, index: number) =>
  sae === null ? null : `#/latent/${encodeURIComponent(sae)}/${index}`;

export function errorBox(err: unknown): HTMLElement {
  return h("p", { class: "error" }, `Error: ${(err as Error).message ?? String(err)}`);
}
