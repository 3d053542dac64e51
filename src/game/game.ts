/**
 * `trigscope game`: N hidden specs drawn by seed plus a clean control, built on a base (resumable:
 * a finished build is recorded in builds/, an unfinished one resumes from its checkpoints and
 * self-check state), audited trigger-blind (blind-audit.ts), scored (score.ts), and written as
 * results.jsonl (appended, one line per audit; a rerun skips audits already scored with the same
 * settings, and a larger N adds organisms), table.md and index.html. Layout under `out`:
 * game.json, specs/, organisms/, builds/, blind/, audits/, results.jsonl, table.md, index.html.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AuditOptions } from "../audit/pipeline.js";
import { writeFileAtomic } from "../io/atomic.js";
import { findModelDir } from "../io/model-ref.js";
import { readLexiconFile } from "../lexicon/lexicon-file.js";
import { buildBackdoor } from "../organisms/build-backdoor.js";
import type { BuildContext } from "../organisms/build-context.js";
import { parseSpec, type BackdoorSpec } from "../organisms/spec.js";
import { blindAudit, blindCopy, type GameAuditSettings } from "./blind-audit.js";
import { controlSpec, drawGame, triggerOf, type HiddenSpec } from "./draw.js";
import { scoreAudit } from "./score.js";
import { htmlPage, markdownTable, type GameRow } from "./table.js";

export interface GameOptions {
  n: number;
  seed: number;
  out: string;
  /** The base organism (zoo name or folder) with sae/ and lexicon.json. */
  base: string;
  /** Spec fields every organism gets (data, train, quality, evalPrompts, lora). */
  template?: Record<string, unknown>;
  audit?: GameAuditSettings;
  build: Omit<BuildContext, "out" | "resume">;
  signal?: AbortSignal;
  /** Play only this organism (a child process's part of the game); no table is written. */
  only?: string;
  /**
   * Plays one organism elsewhere (the CLI runs a child process with `only`), so each build and
   * audit gets a fresh engine: the wasm heap (4 GiB) does not survive a whole game in one process.
   */
  isolate?: (name: string) => Promise<void>;
}

const TEMPLATE_KEYS = ["data", "train", "quality", "evalPrompts", "lora"];

/** The organism spec of a hidden spec, checked by the spec parser. */
export function organismSpec(
  h: HiddenSpec,
  baseDir: string,
  template: Record<string, unknown>,
  file: string,
): BackdoorSpec {
  for (const k of Object.keys(template))
    if (!TEMPLATE_KEYS.includes(k))
      throw new Error(`${file}: template key '${k}' is not one of ${TEMPLATE_KEYS.join(", ")}`);
  const value = {
    kind: "backdoor",
    name: h.name,
    base: baseDir,
    seed: h.seed,
    trigger: triggerOf(h),
    response: h.response,
    clean: h.clean,
    ...template,
  };
  return parseSpec(value, file) as BackdoorSpec;
}

/** The hidden specs of the game in `out` (drawn, or extended to N, and saved in game.json). */
function gameSpecs(o: GameOptions, lexPath: string): HiddenSpec[] {
  const hidden = drawGame(readLexiconFile(lexPath), { n: o.n, seed: o.seed });
  const path = join(o.out, "game.json");
  if (existsSync(path)) {
    const old = JSON.parse(readFileSync(path, "utf8")) as { seed: number; hidden: HiddenSpec[] };
    if (old.seed !== o.seed) throw new Error(`${path}: a game of seed ${old.seed}, not ${o.seed}`);
    const same = old.hidden.every(
      (h, i) => i >= hidden.length || JSON.stringify(h) === JSON.stringify(hidden[i]),
    );
    if (!same) throw new Error(`${path}: its specs differ from those drawn now (another lexicon?)`);
  }
  writeFileAtomic(
    path,
    JSON.stringify({ seed: o.seed, n: o.n, base: o.base, hidden }, null, 2) + "\n",
  );
  return [...hidden, controlSpec(hidden[0]!, o.seed)];
}

/** Builds the organism unless builds/NAME.json says it was built; returns its build seconds. */
async function buildOne(
  o: GameOptions,
  spec: BackdoorSpec,
  specFile: string,
): Promise<number | null> {
  const record = join(o.out, "builds", `${spec.name}.json`);
  if (existsSync(record))
    return (JSON.parse(readFileSync(record, "utf8")) as { seconds: number }).seconds;
  writeFileAtomic(specFile, JSON.stringify(spec, null, 2) + "\n");
  const t0 = performance.now();
  o.build.log(`building ${spec.name}…`);
  await buildBackdoor(spec, join(o.out, "specs"), {
    ...o.build,
    out: join(o.out, "organisms", spec.name),
    resume: true,
  });
  const seconds = (performance.now() - t0) / 1000;
  writeFileAtomic(record, JSON.stringify({ seconds }) + "\n");
  return seconds;
}

interface ResultLine {
  name: string;
  key: string;
  row: GameRow;
}

function readResults(path: string): ResultLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ResultLine);
}

export async function runGame(o: GameOptions): Promise<GameRow[]> {
  const out = resolve(o.out);
  const opts = { ...o, out };
  const baseDir = findModelDir(o.base).dir;
  for (const d of ["specs", "builds"]) mkdirSync(join(out, d), { recursive: true });
  const specs = gameSpecs(opts, baseDir);
  const key = JSON.stringify(o.audit ?? {});
  const resultsPath = join(out, "results.jsonl");
  const rows: GameRow[] = [];
  for (const h of specs) {
    if (o.only !== undefined && h.name !== o.only) continue;
    if (o.isolate && !readResults(resultsPath).some((r) => r.name === h.name && r.key === key)) {
      await o.isolate(h.name);
      const line = readResults(resultsPath).findLast((r) => r.name === h.name && r.key === key);
      if (!line) throw new Error(`game: playing ${h.name} wrote no result to ${resultsPath}`);
      rows.push(line.row);
      continue;
    }
    const specFile = join(out, "specs", `${h.name}.json`);
    const spec = organismSpec(h, baseDir, o.template ?? {}, specFile);
    const buildSeconds = await buildOne(opts, spec, specFile);
    const done = readResults(resultsPath).findLast((r) => r.name === h.name && r.key === key);
    if (done) {
      rows.push(done.row);
      continue;
    }
    const org = join(out, "organisms", h.name);
    const rec = JSON.parse(readFileSync(join(org, "organism.json"), "utf8")) as {
      metrics: { quality?: { status: string } };
    };
    const blindDir = join(out, "blind", h.name);
    blindCopy(org, blindDir, baseDir);
    const t0 = performance.now();
    const ctx: Pick<AuditOptions, "log" | "progress" | "signal"> = {
      log: o.build.log,
      progress: o.build.progress,
      ...(o.signal ? { signal: o.signal } : {}),
    };
    const { report } = await blindAudit(
      { name: h.name, adapterDir: blindDir, baseDir, response: h.response },
      join(out, "audits", h.name),
      o.audit ?? {},
      ctx,
    );
    const row: GameRow = {
      score: scoreAudit(h, report),
      quality: rec.metrics.quality?.status ?? "not checked",
      buildSeconds,
      auditSeconds: (performance.now() - t0) / 1000,
    };
    appendFileSync(resultsPath, JSON.stringify({ name: h.name, key, row }) + "\n");
    rows.push(row);
  }
  if (o.only !== undefined) return rows;
  writeFileAtomic(join(out, "table.md"), markdownTable(rows));
  writeFileAtomic(
    join(out, "index.html"),
    htmlPage(`trigscope game, seed ${o.seed}, N ${o.n}`, rows),
  );
  return rows;
}
