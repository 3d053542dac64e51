/**
 * Loading a zoo organism inside the page: jax-js started on WebGPU where the browser has it (else
 * wasm), the server's merged float32 weights parsed with the library's safetensors reader, the
 * config with its config parser, the tokenizer from the parsed JSON files, and the same EOS/pad
 * fallbacks as the Node runtime (chatTokenIds) — so generation is the library's own code.
 */
import { defaultDevice, init } from "../../engine/jax.js";
import { parseModelConfig } from "../../io/config.js";
import { parseSafetensors, tensorToFloat32 } from "../../io/safetensors.js";
import { modelFromTensors } from "../../model/model.js";
import { chatTokenIds, type ChatModel } from "../../model/text-generation.js";
import { createTokenizer } from "../../tokenizer/tokenizer.js";
import type { OrganismFiles } from "../types.js";
import { getJson } from "./api.js";

export type PageDevice = "webgpu" | "wasm";

let started: PageDevice | null = null;

/** Starts jax-js on `want` ("auto": WebGPU when available, else wasm). */
export async function startEngine(want: PageDevice | "auto"): Promise<PageDevice> {
  const available = (await init()) as string[];
  const device: PageDevice =
    want === "auto" ? (available.includes("webgpu") ? "webgpu" : "wasm") : want;
  if (!available.includes(device))
    throw new Error(`device ${device} is not available here (found ${available.join(", ")})`);
  if (started !== device) defaultDevice(device);
  started = device;
  return device;
}

export interface LoadedOrganism {
  cm: ChatModel;
  device: PageDevice;
  bytes: number;
  seconds: number;
}

export async function loadOrganism(
  name: string,
  want: PageDevice | "auto",
): Promise<LoadedOrganism> {
  const t0 = performance.now();
  const device = await startEngine(want);
  const files = await getJson<OrganismFiles>("/api/organism", { name });
  const res = await fetch(files.weightsUrl);
  if (!res.ok) throw new Error(`weights: ${res.status} ${res.statusText}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const st = parseSafetensors(bytes, files.weightsUrl);
  const tensors = new Map(
    [...st.tensors].map(([k, t]) => [
      k,
      { shape: t.shape, data: tensorToFloat32(t, files.weightsUrl) },
    ]),
  );
  const config = parseModelConfig(files.config, `${name}/config.json`);
  const model = modelFromTensors(config, tensors, files.weightsUrl);
  const tokenizer = createTokenizer({
    tokenizerJson: files.tokenizerJson,
    tokenizerConfig: files.tokenizerConfig,
    source: name,
  });
  const cm: ChatModel = {
    model,
    tokenizer,
    ...chatTokenIds(model, tokenizer, files.generationDefaults),
  };
  return { cm, device, bytes: bytes.byteLength, seconds: (performance.now() - t0) / 1000 };
}
