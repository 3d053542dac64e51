/**
 * A worker's check of an awareness job's payload before it runs anything: every field present
 * with its type, no unknown key, and the key agreeing with the variant and index. A payload from
 * another version of trigscope (or not from trigscope at all) fails here with the job id and the
 * field named, instead of somewhere inside a provider call.
 */
import { sampleKey } from "../awareness/sample-job.js";
import type { ProviderJobOptions, SampleJobData } from "./awareness-job.js";

export class AwarenessJobError extends Error {
  constructor(id: string, field: string, reason: string) {
    super(`awareness job ${id}: '${field}' ${reason}`);
    this.name = "AwarenessJobError";
  }
}

type Kind = "string" | "number" | "boolean" | "object" | "array" | "integer";

function isKind(v: unknown, kind: Kind): boolean {
  if (kind === "array") return Array.isArray(v);
  if (kind === "object") return typeof v === "object" && v !== null && !Array.isArray(v);
  if (kind === "integer") return Number.isInteger(v);
  return typeof v === kind;
}

/** Checks that `obj` (at `path`) has exactly `fields` (name → kind; "?" suffix: may be absent). */
export function checkFields(
  id: string,
  path: string,
  obj: unknown,
  fields: Record<string, Kind | `${Kind}?` | `${Kind}|null`>,
): Record<string, unknown> {
  if (!isKind(obj, "object")) throw new AwarenessJobError(id, path || "data", "must be an object");
  const o = obj as Record<string, unknown>;
  const at = (k: string) => (path ? `${path}.${k}` : k);
  for (const k of Object.keys(o))
    if (!(k in fields))
      throw new AwarenessJobError(
        id,
        at(k),
        `is not a field of this job (known: ${Object.keys(fields).join(", ")})`,
      );
  for (const [k, spec] of Object.entries(fields)) {
    const optional = spec.endsWith("?");
    const nullable = spec.endsWith("|null");
    const kind = spec.replace(/\?$|\|null$/, "") as Kind;
    const v = o[k];
    if (v === undefined && optional) continue;
    if (v === null && nullable) continue;
    if (!isKind(v, kind))
      throw new AwarenessJobError(
        id,
        at(k),
        `must be ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind}${nullable ? " or null" : ""}`,
      );
  }
  return o;
}

export function checkProviderOptions(id: string, raw: unknown): ProviderJobOptions {
  const o = checkFields(id, "provider.options", raw, {
    timeoutMs: "number?",
    retries: "integer?",
    apiKeyEnv: "string?",
    prefillMode: "string?",
  });
  if (
    o.prefillMode !== undefined &&
    !["continue-final-message", "none"].includes(o.prefillMode as string)
  )
    throw new AwarenessJobError(
      id,
      "provider.options.prefillMode",
      "must be continue-final-message or none",
    );
  return o as ProviderJobOptions;
}

/** The payload of sample job `id`, checked; throws AwarenessJobError naming the field. */
export function parseSampleJobData(id: string, raw: unknown): SampleJobData {
  const d = checkFields(id, "", raw, {
    runId: "string",
    key: "string",
    variant: "object",
    sampleIndex: "integer",
    seed: "integer|null",
    runSeed: "integer",
    sendSeed: "boolean",
    params: "object",
    provider: "object",
  });
  const v = checkFields(id, "variant", d.variant, {
    id: "string",
    itemId: "string",
    kind: "string",
    position: "string|null",
    messages: "array",
    prefill: "string|null",
    inserted: "array",
    choice: "object|null",
  });
  (v.messages as unknown[]).forEach((m, i) =>
    checkFields(id, `variant.messages[${i}]`, m, { role: "string", content: "string" }),
  );
  checkFields(id, "params", d.params, {
    temperature: "number?",
    maxTokens: "integer?",
    topP: "number?",
    seed: "integer?",
    stop: "array?",
  });
  const p = checkFields(id, "provider", d.provider, {
    spec: "string",
    options: "object",
    identity: "object",
  });
  checkProviderOptions(id, p.options);
  if ((d.sampleIndex as number) < 0) throw new AwarenessJobError(id, "sampleIndex", "must be ≥ 0");
  const key = sampleKey(v.id as string, d.sampleIndex as number);
  if (d.key !== key)
    throw new AwarenessJobError(
      id,
      "key",
      `is '${String(d.key)}', but the variant and index give '${key}'`,
    );
  return d as unknown as SampleJobData;
}
