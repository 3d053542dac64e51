/**
 * The page's entry: a hash router over the four parts (#/audits, #/audit/ID, #/compare/A/B,
 * #/latents/SAE, #/latent/SAE/N, #/transcripts/RUN, #/playground?…), the navigation highlight, and
 * the index of what the server found, fetched once per view.
 */
import type { IndexResponse } from "../types.js";
import { getJson } from "./api.js";
import { auditList, auditView, compareView } from "./audits.js";
import { errorBox, h } from "./dom.js";
import { latentSearchView, latentView } from "./latents.js";
import { playgroundView } from "./playground.js";
import { transcriptsView } from "./transcripts.js";

async function route(hash: string): Promise<HTMLElement> {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?", 2) as [string, string?];
  const parts = path.split("/").map(decodeURIComponent);
  const params = new URLSearchParams(query);
  const index = await getJson<IndexResponse>("/api/index");
  switch (parts[0]) {
    case "audit":
      return auditView(parts.slice(1).join("/"));
    case "compare":
      return compareView(parts[1]!, parts[2]!);
    case "latents":
      return latentSearchView(index, parts[1] || null, params.get("q") ?? "");
    case "latent":
      return latentView(parts[1]!, Number(parts[2]));
    case "transcripts":
      return transcriptsView(index, parts.slice(1).join("/") || null);
    case "playground":
      return playgroundView(index, params);
    default:
      return auditList(index);
  }
}

let current = 0;

async function render(): Promise<void> {
  const main = document.getElementById("main")!;
  const token = ++current;
  const part = location.hash.replace(/^#\/?/, "").split(/[/?]/)[0] || "audits";
  for (const a of document.querySelectorAll<HTMLAnchorElement>("header a")) {
    const nav = a.dataset.nav!;
    a.classList.toggle(
      "on",
      part.startsWith(nav.replace(/s$/, "")) || (nav === "audits" && part === "compare"),
    );
  }
  main.replaceChildren(h("p", {}, "Loading…"));
  let view: HTMLElement;
  try {
    view = await route(location.hash);
  } catch (err) {
    view = errorBox(err);
  }
  if (token !== current) return;
  main.replaceChildren(view);
  document.body.dataset.ready = location.hash;
}

window.addEventListener("hashchange", () => {
  // Search boxes rewrite the hash with replaceState, which fires no hashchange.
  void render();
});
void render();
