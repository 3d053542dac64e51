/**
 * One organism's part of a game: its build (recorded in builds/NAME.json once finished, with its
 * seconds and device, summed over the runs of a build stopped and resumed) and its blind audit
 * and score (a line appended to results.jsonl). The audit is given only a copy of the adapter
 * (blind-audit.ts); the spec is read here, after the audit, to score it.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { AuditOptions } from "../audit/pipeline.js";
import { writeFileAtomic } from "../io/atomic.js";
import { buildBackdoor } from "../organisms/build-backdoor.js";
import { backdoorSpecFile, type BackdoorSpec } from "../organisms/spec.js";
import { describeItem } from "../organisms/quality.js";
import type { QualityRecord } from "../organisms/self-check.js";
import { blindAudit, blindCopy } from "./blind-audit.js";
import type { HiddenSpec } from "./draw.js";
import type { GameOptions } from "./options.js";
import { scoreAudit } from "./score.js";
import type { GameRow } from "./table.js";

export interface PlayContext {
  o: GameOptions & { out: string };
  baseDir: string;
  /** The audit settings, as results.jsonl keys them. */
  key: string;
  resultsPath: string;
  spec: (h: HiddenSpec) => BackdoorSpec;
}

/** One process's part of a build (a build stopped at a deadline resumes in another). */
export interface BuildRun {
  seconds: number;
  device: string;
  /** The --engine it ran with. */
  engine: string;
}

export interface BuildRecord {
  /** Seconds over every run of the build (records before 2026-12-07: the last run's only). */
  seconds: number;
  device: string;
  /** The --engine the build ran with (records before 2026-12-07 lack it: auto). */
  engine?: string;
  /** Each run, where the build was stopped and resumed (records since 2026-12-07). */
  runs?: BuildRun[];
}

/** builds/NAME.spent.json: the runs of a build not finished yet. */
function spentPath(out: string, name: string): string {
  return join(out, "builds", `${name}.spent.json`);
}

function spentRuns(out: string, name: string): BuildRun[] {
  const path = spentPath(out, name);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as BuildRun[]) : [];
}

/** builds/NAME.json: present once the organism's build (self-check included) finished. */
export function builtRecord(out: string, name: string): BuildRecord | null {
  const path = join(out, "builds", `${name}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as BuildRecord) : null;
}

export interface ResultLine {
  name: string;
  key: string;
  row: GameRow;
}

export function readResults(path: string): ResultLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ResultLine);
}

/** Builds the organism unless it was built (resuming its checkpoints); returns its record. */
export async function buildOne(ctx: PlayContext, h: HiddenSpec): Promise<BuildRecord> {
  const { o } = ctx;
  const done = builtRecord(o.out, h.name);
  if (done) return done;
  const spec = ctx.spec(h);
  const file = join(o.out, "specs", `${h.name}.json`);
  writeFileAtomic(file, JSON.stringify(backdoorSpecFile(spec), null, 2) + "\n");
  const t0 = performance.now();
  const run = (): BuildRun => ({
    seconds: (performance.now() - t0) / 1000,
    device: o.build.device,
    engine: o.build.engine ?? "auto",
  });
  const runsSoFar = () => [...spentRuns(o.out, h.name), run()];
  o.build.log(`building ${h.name}…`);
  try {
    await buildBackdoor(spec, join(o.out, "specs"), {
      ...o.build,
      out: join(o.out, "organisms", h.name),
      resume: true,
    });
  } catch (e) {
    // Stopped (a deadline, a signal) or failed: this run's time counts when the build resumes.
    writeFileAtomic(spentPath(o.out, h.name), JSON.stringify(runsSoFar()) + "\n");
    throw e;
  }
  const runs = runsSoFar();
  const record: BuildRecord = {
    seconds: runs.reduce((t, r) => t + r.seconds, 0),
    device: o.build.device,
    engine: o.build.engine ?? "auto",
    runs,
  };
  writeFileAtomic(join(o.out, "builds", `${h.name}.json`), JSON.stringify(record) + "\n");
  rmSync(spentPath(o.out, h.name), { force: true });
  return record;
}

/** Audits the built organism blind and scores it, unless scored with these settings already. */
export async function auditOne(ctx: PlayContext, h: HiddenSpec): Promise<GameRow> {
  const { o, key, resultsPath } = ctx;
  const done = readResults(resultsPath).findLast((r) => r.name === h.name && r.key === key);
  if (done) return done.row;
  const build = builtRecord(o.out, h.name);
  if (!build) throw new Error(`game: ${h.name} is not built yet (run the game's build stage)`);
  const org = join(o.out, "organisms", h.name);
  const blindDir = join(o.out, "blind", h.name);
  blindCopy(org, blindDir, ctx.baseDir);
  const t0 = performance.now();
  const audit: Pick<AuditOptions, "log" | "progress" | "signal"> = {
    log: o.build.log,
    progress: o.build.progress,
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const { report } = await blindAudit(
    { name: h.name, adapterDir: blindDir, baseDir: ctx.baseDir, response: h.response },
    join(o.out, "audits", h.name),
    o.audit ?? {},
    audit,
  );
  const rec = JSON.parse(readFileSync(join(org, "organism.json"), "utf8")) as {
    metrics: { quality?: QualityRecord };
  };
  const row: GameRow = {
    score: scoreAudit(h, report),
    quality: qualityText(rec.metrics.quality),
    buildSeconds: build.seconds,
    auditSeconds: (performance.now() - t0) / 1000,
  };
  appendFileSync(resultsPath, JSON.stringify({ name: h.name, key, row }) + "\n");
  return row;
}

/** The build quality for the table: "met", or "did not meet: " and what missed at the end. */
function qualityText(q: QualityRecord | undefined): string {
  if (!q) return "not checked";
  if (q.status !== "did not meet") return q.status;
  const last = q.rounds.at(-1);
  const missed = last ? last.check.items.filter((i) => !i.ok).map(describeItem) : [];
  return missed.length > 0 ? `did not meet: ${missed.join(", ")}` : q.status;
}
