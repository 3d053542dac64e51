/**
 * The dashboard's answers, read through the library's public readers: an audit's report and its
 * steering vectors, an awareness run through buildReport (the judges' verdicts joined to each
 * transcript), a label file's latents, a SAE's decoder rows. Every id is checked against the
 * listing first, so a URL cannot name a file outside what the server found.
 */
import { existsSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { buildReport } from "../awareness/report.js";
import { triggerMatcher } from "../awareness/trigger-terms.js";
import { viewerSample } from "../awareness/viewer-sample.js";
import { pickVector, readVectors } from "../io/vectors.js";
import { readLabelFile, type LabelFile } from "../sae/labels.js";
import { loadSae } from "../sae/load.js";
import {
  auditSummary,
  listAudits,
  listRuns,
  listSaes,
  readAuditReport,
  type DataSources,
} from "./data.js";
import type {
  AuditResponse,
  LatentIndexResponse,
  RunResponse,
  SaeSummary,
  VectorChoice,
} from "./types.js";

export class NotFoundError extends Error {
  override name = "NotFoundError";
}

export function findSae(src: DataSources, id: string): SaeSummary {
  const sae = listSaes(src).find((s) => s.id === id);
  if (!sae) throw new NotFoundError(`no SAE label file '${id}'`);
  return sae;
}

function auditDir(src: DataSources, id: string): string {
  if (!listAudits(src, []).some((a) => a.id === id)) throw new NotFoundError(`no audit '${id}'`);
  return resolve(src.dir, id);
}

export function auditResponse(src: DataSources, id: string): AuditResponse {
  const report = readAuditReport(join(auditDir(src, id), "report.json"));
  return { summary: auditSummary(id, report, listSaes(src)), report };
}

/** The audit's steering vectors (every method that saved a vectors file), as plain numbers. */
export function auditVectors(src: DataSources, id: string): VectorChoice[] {
  const dir = auditDir(src, id);
  const report = readAuditReport(join(dir, "report.json"));
  const out: VectorChoice[] = [];
  for (const m of report.methods) {
    for (const v of m.vectors ?? []) {
      // report.json names a vector as FILE#INDEX (the row in that file).
      const [name, row] = v.file.split("#") as [string, string?];
      const file = resolve(dir, name);
      if (!file.startsWith(dir + sep) || !existsSync(file)) continue;
      const set = readVectors(file);
      const hook = report.sae.hookName.replace(/blocks\.\d+\./, `blocks.${report.layer}.`);
      const values = pickVector(
        set,
        file,
        set.vectors.has(hook) ? hook : [...set.vectors.keys()][0]!,
        row === undefined ? v.index : Number(row),
      );
      out.push({
        method: m.method,
        index: v.index,
        hookName: hook,
        layer: report.layer,
        values: Array.from(values),
      });
    }
  }
  return out;
}

const labelCache = new Map<string, LabelFile>();

export function labelFile(sae: SaeSummary): LabelFile {
  let f = labelCache.get(sae.labelsFile);
  if (!f) {
    f = readLabelFile(sae.labelsFile);
    labelCache.set(sae.labelsFile, f);
  }
  return f;
}

export function latentIndex(sae: SaeSummary): LatentIndexResponse {
  const latents = labelFile(sae).latents.map((l) => ({
    index: l.index,
    label: l.label,
    concept: l.concept ?? null,
    auroc: l.auroc ?? null,
    frequency: l.frequency ?? null,
    topWords: l.topWords.slice(0, 8).map((w) => w.word),
  }));
  return { sae, latents };
}

/** Row `index` of the SAE's decoder (the direction the latent writes), float32 as numbers. */
export function decoderRow(sae: SaeSummary, index: number): { layer: number; values: number[] } {
  if (!sae.saeDir) throw new NotFoundError(`SAE '${sae.id}' has no weights next to its labels`);
  const s = loadSae(sae.saeDir);
  const { dSae, dIn, hookName } = s.config;
  if (!Number.isInteger(index) || index < 0 || index >= dSae) {
    throw new NotFoundError(`latent ${index} is not in [0, ${dSae})`);
  }
  const layer = Number(/^blocks\.(\d+)\./.exec(hookName)?.[1] ?? NaN);
  return {
    layer,
    values: Array.from(s.weights.wDec.data.subarray(index * dIn, (index + 1) * dIn)),
  };
}

export function runResponse(src: DataSources, id: string): RunResponse {
  const summary = listRuns(src).find((r) => r.id === id);
  if (!summary) throw new NotFoundError(`no awareness run '${id}'`);
  const { report, samples, variants, maps } = buildReport(resolve(src.dir, id));
  const rank = new Map([...variants.keys()].map((v, i) => [v, i]));
  const ordered = [...samples].sort(
    (a, b) => rank.get(a.variantId)! - rank.get(b.variantId)! || a.sampleIndex - b.sampleIndex,
  );
  const viewer = ordered.map((s) => viewerSample(s, variants.get(s.variantId)!, maps));
  const triggers = [report.run.trigger, ...report.run.distractors].map((text) => ({
    text,
    source: triggerMatcher(text).regex.source,
  }));
  return { summary, report, triggers, samples: viewer };
}
