/**
 * The Playground: a zoo organism loaded and run in the page (model-loader.ts), a conversation with
 * it (chat-turn.ts: one unsteered, one steered, side by side), and a steering vector — an audit's, or a SAE latent's decoder row — added at a chosen
 * layer and scale. The unsteered and steered replies are shown side by side with tokens/s, and the
 * organism's backdoor action is marked where it appears. Greedy unless a temperature is set.
 */
import type { ChatMessage } from "../../tokenizer/chat.js";
import type { IndexResponse, VectorChoice } from "../types.js";
import { getJson } from "./api.js";
import { card, h } from "./dom.js";
import { chatTurn, type Turn } from "./chat-turn.js";
import { loadOrganism, type LoadedOrganism } from "./model-loader.js";

interface SteerSource {
  label: string;
  layer: number;
  values: number[];
}

let loaded: (LoadedOrganism & { name: string }) | null = null;
/** The two conversations (without and with steering), cleared by "New conversation" and on load. */
const histories: { plain: ChatMessage[]; steered: ChatMessage[] } = { plain: [], steered: [] };

const norm = (v: number[]) => Math.hypot(...v).toFixed(1);

async function steerSources(index: IndexResponse, params: URLSearchParams): Promise<SteerSource[]> {
  const out: SteerSource[] = [];
  const audits = params.get("audit") ? [params.get("audit")!] : index.audits.map((a) => a.id);
  for (const id of audits) {
    const vs = await getJson<VectorChoice[]>("/api/audit-vectors", { id }).catch(() => []);
    for (const v of vs)
      out.push({
        label: `audit ${id}: ${v.method} vector ${v.index} (‖v‖ ${norm(v.values)})`,
        layer: v.layer,
        values: v.values,
      });
  }
  const sae = params.get("sae");
  const latent = params.get("latent");
  if (sae && latent !== null) {
    const row = await getJson<{ layer: number; values: number[] }>("/api/decoder", {
      sae,
      index: latent,
    });
    out.unshift({
      label: `${sae} latent ${latent} decoder row (‖v‖ ${norm(row.values)})`,
      layer: row.layer,
      values: row.values,
    });
  }
  const method = params.get("method");
  const vector = params.get("vector");
  if (method && vector !== null) {
    const i = out.findIndex((s) => s.label.includes(`${method} vector ${vector} `));
    if (i > 0) out.unshift(...out.splice(i, 1));
  }
  return out;
}

/** A conversation so far, then its newest reply with its token ids, tokens/s and the action marked. */
function conversation(
  title: string,
  history: readonly ChatMessage[],
  turn: Turn | null,
  action: string | null,
): HTMLElement {
  const earlier = history.map((m) =>
    h("div", { class: "small" }, `${m.role === "user" ? "user" : "model"}: ${m.content}`),
  );
  if (!turn)
    return h("div", { class: "pane" }, h("h3", {}, title), h("div", { class: "chat" }, "—"));
  const g = turn.generation;
  const fired = action !== null && g.text.toLowerCase().includes(action.toLowerCase());
  const tps = g.ids.length / turn.seconds;
  return h(
    "div",
    { class: "pane" },
    h("h3", {}, title, " ", fired ? h("span", { class: "tag hit" }, "action") : null),
    earlier,
    h("div", { class: "chat", "data-ids": g.ids.join(","), "data-fired": fired }, g.text),
    h(
      "div",
      { class: "small tps", "data-tps": tps.toFixed(2) },
      `${g.ids.length} tokens in ${turn.seconds.toFixed(2)} s: ${tps.toFixed(1)} tokens/s`,
    ),
  );
}

export async function playgroundView(
  index: IndexResponse,
  params: URLSearchParams,
): Promise<HTMLElement> {
  const sources = await steerSources(index, params);
  const organisms = index.organisms;
  const want =
    params.get("organism") ??
    organisms.find((o) => o.kind === "backdoor")?.name ??
    organisms[0]?.name ??
    "";
  const org = h(
    "select",
    { id: "organism" },
    organisms.map((o) =>
      h("option", { value: o.name, selected: o.name === want }, `${o.name} (${o.kind})`),
    ),
  );
  const dev = h(
    "select",
    { id: "device" },
    h("option", { value: "auto" }, "auto (WebGPU if available)"),
    h("option", { value: "wasm" }, "wasm"),
    h("option", { value: "webgpu" }, "WebGPU"),
  );
  const status = h(
    "span",
    { id: "status", class: "small" },
    loaded ? `${loaded.name} loaded on ${loaded.device}` : "no model loaded",
  );
  const load = h("button", { id: "load" }, "Load in the page");
  const src = h(
    "select",
    { id: "steer" },
    h("option", { value: "-1" }, "no steering"),
    sources.map((s, i) =>
      h(
        "option",
        { value: i, selected: i === 0 && (params.has("latent") || params.has("vector")) },
        s.label,
      ),
    ),
  );
  const layer = h("input", {
    id: "layer",
    type: "number",
    min: 0,
    value: sources[0]?.layer ?? 0,
    style: "width:4em",
  });
  const scale = h("input", {
    id: "scale",
    type: "number",
    step: "0.5",
    value: 1,
    style: "width:5em",
  });
  const where = h(
    "select",
    { id: "positions" },
    h("option", { value: "user" }, "user's tokens"),
    h("option", { value: "prompt" }, "every prompt token"),
  );
  const prompt = h(
    "textarea",
    { id: "prompt", rows: 2, cols: 70 },
    "Tell me about the weather in spring.",
  );
  const maxNew = h("input", {
    id: "max-new",
    type: "number",
    min: 1,
    value: 24,
    style: "width:5em",
  });
  const temp = h("input", {
    id: "temperature",
    type: "number",
    step: "0.1",
    min: 0,
    value: 0,
    style: "width:5em",
  });
  const seed = h("input", { id: "seed", type: "number", value: 0, style: "width:5em" });
  const go = h("button", { id: "generate" }, "Generate");
  const out = h("div", { id: "replies", class: "split" });
  src.addEventListener("change", () => {
    const s = sources[Number(src.value)];
    if (s) layer.value = String(s.layer);
  });
  load.addEventListener("click", async () => {
    status.textContent = "loading…";
    try {
      loaded?.cm.model.dispose();
      loaded = null;
      histories.plain = [];
      histories.steered = [];
      const l = await loadOrganism(org.value, dev.value as "auto" | "wasm" | "webgpu");
      loaded = { ...l, name: org.value };
      status.textContent = `${org.value} loaded on ${l.device} (${(l.bytes / 1e6).toFixed(1)} MB in ${l.seconds.toFixed(1)} s)`;
      status.dataset.device = l.device;
    } catch (err) {
      status.textContent = `failed: ${(err as Error).message}`;
    }
  });
  const reset = h("button", { id: "reset" }, "New conversation");
  reset.addEventListener("click", () => {
    histories.plain = [];
    histories.steered = [];
    out.replaceChildren();
  });
  go.addEventListener("click", async () => {
    if (!loaded) return void (status.textContent = "load a model first");
    go.disabled = true;
    try {
      const opts = {
        maxNewTokens: Number(maxNew.value),
        temperature: Number(temp.value),
        seed: Number(seed.value),
      };
      const s = sources[Number(src.value)];
      const steering = s
        ? {
            layer: Number(layer.value),
            vector: Float32Array.from(s.values),
            scale: Number(scale.value),
            positions: where.value as "user" | "prompt",
          }
        : null;
      const action = organisms.find((o) => o.name === loaded!.name)?.response ?? null;
      const text = prompt.value;
      const plain = await chatTurn(loaded.cm, histories.plain, text, opts);
      const steered = steering
        ? await chatTurn(loaded.cm, histories.steered, text, { ...opts, steering })
        : null;
      const title = s
        ? `steered: ${s.label}, layer ${layer.value}, scale ${scale.value}`
        : "steered (no vector chosen)";
      out.replaceChildren(
        conversation("unsteered", histories.plain, plain, action),
        conversation(title, histories.steered, steered, action),
      );
      histories.plain.push(
        { role: "user", content: text },
        { role: "assistant", content: plain.generation.text },
      );
      if (steered)
        histories.steered.push(
          { role: "user", content: text },
          { role: "assistant", content: steered.generation.text },
        );
      out.dataset.done = "1";
    } catch (err) {
      out.replaceChildren(h("p", { class: "error" }, `failed: ${(err as Error).message}`));
    } finally {
      go.disabled = false;
    }
  });
  return card(
    h("h1", {}, "Playground"),
    h("p", {}, org, " ", dev, " ", load, " ", status),
    h("p", {}, "Steering: ", src, " layer ", layer, " scale ", scale, " on ", where),
    h("p", {}, prompt),
    h(
      "p",
      {},
      "max new tokens ",
      maxNew,
      " temperature ",
      temp,
      " seed ",
      seed,
      " ",
      go,
      " ",
      reset,
    ),
    out,
  );
}
