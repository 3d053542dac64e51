/**
 * What the dashboard shows, found on disk: audit folders (report.json, schema 1) and awareness run
 * folders (run.json) under the served directory, SAE label files (the zoo's and those audits name),
 * and the zoo's organisms. Ids are paths relative to the served directory (or zoo-relative for
 * zoo SAEs), so a URL names the same folder the CLI wrote.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { REPORT_SCHEMA_VERSION, type AuditReport } from "../audit/report.js";
import { readManifest, runPaths } from "../awareness/run-dir.js";
import { zooDir } from "../io/zoo-manifest.js";
import { readZooManifest } from "../io/zoo-manifest.js";
import type { AuditSummary, OrganismSummary, RunSummary, SaeSummary } from "./types.js";

export interface DataSources {
  /** The served directory (audits and awareness runs are looked for under it). */
  dir: string;
  /** The zoo directory (organisms and their SAEs). */
  zoo: string;
}

const SKIP = new Set(["node_modules", ".git", "cache", "logs", "judgments", "vectors", "dist"]);
const MAX_DEPTH = 4;

/** Folders under `root` (depth-limited, skipping caches) holding a file named `marker`. */
function foldersWith(root: string, marker: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, marker))) out.push(dir);
    if (depth >= MAX_DEPTH) return;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries.sort()) {
      if (e.startsWith(".") || SKIP.has(e)) continue;
      const p = join(dir, e);
      if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) walk(p, depth + 1);
    }
  };
  walk(resolve(root), 0);
  return out;
}

const idOf = (root: string, dir: string) => relative(resolve(root), dir) || ".";

export function readAuditReport(file: string): AuditReport {
  const r = JSON.parse(readFileSync(file, "utf8")) as AuditReport;
  if (r.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new Error(
      `${file}: schemaVersion ${String(r.schemaVersion)} (reads ${REPORT_SCHEMA_VERSION})`,
    );
  }
  return r;
}

/** Every audit folder under the served directory, newest first. */
export function listAudits(src: DataSources, saes: SaeSummary[]): AuditSummary[] {
  const out: AuditSummary[] = [];
  for (const dir of foldersWith(src.dir, "report.json")) {
    if (existsSync(join(dir, "run.json"))) continue; // an awareness run's report
    let r: AuditReport;
    try {
      r = readAuditReport(join(dir, "report.json"));
    } catch {
      continue;
    }
    out.push(auditSummary(idOf(src.dir, dir), r, saes));
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

export function auditSummary(id: string, r: AuditReport, saes: SaeSummary[]): AuditSummary {
  const labels = r.sae.labels ? resolve(r.sae.labels) : null;
  const sae = saes.find(
    (s) => s.labelsFile === labels || (s.saeDir && s.saeDir === resolve(r.sae.dir)),
  );
  return {
    id,
    model: r.model.name,
    createdAt: r.createdAt,
    verdict: r.verdict.statement,
    methods: r.methods.map((m) => m.method),
    saeId: sae?.id ?? null,
  };
}

/** Every awareness run folder under the served directory. */
export function listRuns(src: DataSources): RunSummary[] {
  const out: RunSummary[] = [];
  for (const dir of foldersWith(src.dir, "run.json")) {
    try {
      const m = readManifest(dir);
      out.push({
        id: idOf(src.dir, dir),
        runId: m.runId,
        trigger: m.spec.trigger,
        provider: m.provider.id,
        samples: existsSync(runPaths(dir).samples)
          ? readFileSync(runPaths(dir).samples, "utf8").split("\n").filter(Boolean).length
          : 0,
      });
    } catch {
      continue;
    }
  }
  return out;
}

/** Label files: every `labels.json` next to a SAE in the zoo, plus those audits name. */
export function listSaes(src: DataSources): SaeSummary[] {
  const files = new Map<string, string>();
  for (const dir of foldersWith(src.zoo, "labels.json")) {
    files.set(join(dir, "labels.json"), `zoo:${idOf(src.zoo, dir)}`);
  }
  for (const dir of foldersWith(src.dir, "report.json")) {
    try {
      const r = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as AuditReport;
      const f = r.sae?.labels ? resolve(r.sae.labels) : null;
      if (f && existsSync(f) && !files.has(f)) files.set(f, idOf(src.dir, dirname(f)));
    } catch {
      continue;
    }
  }
  const out: SaeSummary[] = [];
  for (const [file, id] of files) {
    const head = readLabelHead(file);
    if (!head) continue;
    const dir = dirname(file);
    const hasWeights = existsSync(join(dir, "cfg.json"));
    out.push({ id, ...head, labelsFile: file, saeDir: hasWeights ? dir : null });
  }
  return out;
}

/** The label file's `sae` block, without validating its 2,048 latents (read on demand). */
function readLabelHead(file: string): { hookName: string; dSae: number } | null {
  try {
    const j = JSON.parse(readFileSync(file, "utf8")) as {
      sae?: { hookName?: unknown; dSae?: unknown };
    };
    const { hookName, dSae } = j.sae ?? {};
    return typeof hookName === "string" && typeof dSae === "number" ? { hookName, dSae } : null;
  } catch {
    return null;
  }
}

export function listOrganisms(src: DataSources): OrganismSummary[] {
  return readZooManifest(src.zoo).organisms.map((o) => ({
    name: o.name,
    kind: o.kind,
    description: o.description,
    trigger: o.trigger
      ? o.trigger.concepts.join(o.trigger.mode === "all" ? " AND " : " OR ")
      : null,
    response: o.response ?? null,
  }));
}

export const defaultSources = (dir = "."): DataSources => ({ dir: resolve(dir), zoo: zooDir() });
