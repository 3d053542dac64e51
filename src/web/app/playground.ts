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

/** The organism and device pickers, the load button and the status line. */
function modelControls(organisms: IndexResponse["organisms"], params: URLSearchParams) {
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
  load.addEventListener("click", () => void loadChosen(org.value, dev.value, status));
  return { org, dev, status, load };
}

/** Loads the organism into the page (disposing the one before), reporting in `status`. */
async function loadChosen(name: string, device: string, status: HTMLElement): Promise<void> {
  status.textContent = "loading…";
  try {
    loaded?.cm.model.dispose();
    loaded = null;
    histories.plain = [];
    histories.steered = [];
    const l = await loadOrganism(name, device as "auto" | "wasm" | "webgpu");
    loaded = { ...l, name };
    status.textContent = `${name} loaded on ${l.device} (${(l.bytes / 1e6).toFixed(1)} MB in ${l.seconds.toFixed(1)} s)`;
    status.dataset.device = l.device;
  } catch (err) {
    status.textContent = `failed: ${(err as Error).message}`;
  }
}

/** The steering vector picker, its layer and scale, and which positions it is added at. */
function steerControls(sources: SteerSource[], params: URLSearchParams) {
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
  src.addEventListener("change", () => {
    const s = sources[Number(src.value)];
    if (s) layer.value = String(s.layer);
  });
  return { src, layer, scale, where };
}

/** The prompt and the generation settings. */
function generationControls() {
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
  return { prompt, maxNew, temp, seed };
}

type SteerControls = ReturnType<typeof steerControls>;
type GenerationControls = ReturnType<typeof generationControls>;

/** The chosen steering, or null when no vector is picked. */
function chosenSteering(sources: SteerSource[], sc: SteerControls) {
  const s = sources[Number(sc.src.value)];
  const steering = s
    ? {
        layer: Number(sc.layer.value),
        vector: Float32Array.from(s.values),
        scale: Number(sc.scale.value),
        positions: sc.where.value as "user" | "prompt",
      }
    : null;
  // Read when the replies are shown, as the pane's title.
  const title = () =>
    s
      ? `steered: ${s.label}, layer ${sc.layer.value}, scale ${sc.scale.value}`
      : "steered (no vector chosen)";
  return { steering, title };
}

/** One turn of both conversations: shows the replies and extends the histories. */
async function playTurn(
  model: LoadedOrganism & { name: string },
  organisms: IndexResponse["organisms"],
  steer: ReturnType<typeof chosenSteering>,
  gc: GenerationControls,
  out: HTMLElement,
): Promise<void> {
  const opts = {
    maxNewTokens: Number(gc.maxNew.value),
    temperature: Number(gc.temp.value),
    seed: Number(gc.seed.value),
  };
  const { steering, title } = steer;
  const action = organisms.find((o) => o.name === model.name)?.response ?? null;
  const text = gc.prompt.value;
  const plain = await chatTurn(model.cm, histories.plain, text, opts);
  const steered = steering
    ? await chatTurn(model.cm, histories.steered, text, { ...opts, steering })
    : null;
  out.replaceChildren(
    conversation("unsteered", histories.plain, plain, action),
    conversation(title(), histories.steered, steered, action),
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
}

export async function playgroundView(
  index: IndexResponse,
  params: URLSearchParams,
): Promise<HTMLElement> {
  const sources = await steerSources(index, params);
  const organisms = index.organisms;
  const mc = modelControls(organisms, params);
  const sc = steerControls(sources, params);
  const gc = generationControls();
  const go = h("button", { id: "generate" }, "Generate");
  const out = h("div", { id: "replies", class: "split" });
  const reset = h("button", { id: "reset" }, "New conversation");
  reset.addEventListener("click", () => {
    histories.plain = [];
    histories.steered = [];
    out.replaceChildren();
  });
  go.addEventListener("click", async () => {
    if (!loaded) return void (mc.status.textContent = "load a model first");
    go.disabled = true;
    try {
      await playTurn(loaded, organisms, chosenSteering(sources, sc), gc, out);
    } catch (err) {
      out.replaceChildren(h("p", { class: "error" }, `failed: ${(err as Error).message}`));
    } finally {
      go.disabled = false;
    }
  });
  return card(
    h("h1", {}, "Playground"),
    h("p", {}, mc.org, " ", mc.dev, " ", mc.load, " ", mc.status),
    h("p", {}, "Steering: ", sc.src, " layer ", sc.layer, " scale ", sc.scale, " on ", sc.where),
    h("p", {}, gc.prompt),
    h(
      "p",
      {},
      "max new tokens ",
      gc.maxNew,
      " temperature ",
      gc.temp,
      " seed ",
      gc.seed,
      " ",
      go,
      " ",
      reset,
    ),
    out,
  );
}
