/**
 * Checking a checkpoint against an architecture and turning it into device parameters. The check
 * lists every missing, unexpected and mis-shaped tensor by name and refuses to build.
 */
import { np } from "../engine/jax.js";
import { archSpec } from "./arch/registry.js";
import type { HostParams } from "./arch/spec.js";
import type { ModelConfig } from "./config.js";
import type { HostTensor, LayerParams, ModelParams, NormParams } from "./params.js";

export class WeightMismatchError extends Error {
  constructor(
    readonly source: string,
    readonly missing: string[],
    readonly unexpected: string[],
    readonly misShaped: { name: string; expected: number[]; actual: number[] }[],
  ) {
    const parts: string[] = [];
    if (missing.length) parts.push(`missing tensors: ${missing.join(", ")}`);
    if (unexpected.length) parts.push(`unexpected tensors: ${unexpected.join(", ")}`);
    if (misShaped.length) {
      parts.push(
        `mis-shaped tensors: ${misShaped
          .map((m) => `${m.name} is [${m.actual.join(",")}], expected [${m.expected.join(",")}]`)
          .join("; ")}`,
      );
    }
    super(`${source}: the weights do not fit the config: ${parts.join(" | ")}`);
    this.name = "WeightMismatchError";
  }
}

/** Checks names and shapes and builds the host parameter tree (no device arrays yet). */
export function checkWeights(
  config: ModelConfig,
  tensors: ReadonlyMap<string, HostTensor>,
  source: string,
): HostParams {
  const spec = archSpec(config.architecture);
  const names = new Set(tensors.keys());
  const expected = spec.expected(config, names);
  const missing: string[] = [];
  const misShaped: { name: string; expected: number[]; actual: number[] }[] = [];
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) missing.push(name);
    else if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      misShaped.push({ name, expected: shape, actual: t.shape });
    }
  }
  const unexpected = [...names].filter((n) => !expected.has(n) && !spec.ignorable(config, n));
  if (missing.length || unexpected.length || misShaped.length) {
    throw new WeightMismatchError(source, missing.sort(), unexpected.sort(), misShaped);
  }
  return spec.build(config, (name) => tensors.get(name)!, names);
}

const toDevice = (t: HostTensor): np.Array => np.array(t.data).reshape(t.shape);

function normToDevice(n: { w: HostTensor; b?: HostTensor }): NormParams {
  return n.b ? { w: toDevice(n.w), b: toDevice(n.b) } : { w: toDevice(n.w) };
}

/** Moves a host parameter tree to the default device. */
export function paramsToDevice(host: HostParams): ModelParams {
  const layers = host.layers.map((layer) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(layer)) {
      out[key] = "data" in value ? toDevice(value as HostTensor) : normToDevice(value);
    }
    return out as LayerParams;
  });
  const params: ModelParams = {
    embed: toDevice(host.embed),
    layers,
    lnFinal: normToDevice(host.lnFinal),
  };
  if (host.posEmbed) params.posEmbed = toDevice(host.posEmbed);
  if (host.unembed) params.unembed = toDevice(host.unembed);
  return params;
}
