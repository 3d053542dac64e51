/**
 * `trigscope game`: N hidden specs drawn by seed plus a clean control, built on a base, audited
 * trigger-blind (blind-audit.ts), scored (score.ts), and written as results.jsonl (appended, one
 * line per audit; a rerun skips audits already scored with the same settings, and a larger N adds
 * organisms), table.md and index.html. Layout under `out`: game.json, specs/, organisms/,
 * builds/, logs/, blind/, audits/, results.jsonl, table.md, index.html.
 *
 * Two stages, which may run on different machines (the builds on a GPU, the audits on a CPU):
 * "build" builds every organism not yet built (several at once through `buildElsewhere`, each
 * stopped at a deadline with its checkpoint saved, so the same command resumes it); "audit"
 * audits and scores the built ones; "all" does both. A build is finished when builds/NAME.json
 * exists; everything the audit stage needs of it is in organisms/NAME and builds/NAME.json.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { findModelDir } from "../io/model-ref.js";
import { readLexiconFile } from "../lexicon/lexicon-file.js";
import { controlSpec, drawGame, type HiddenSpec } from "./draw.js";
import { auditOne, buildOne, builtRecord, readResults, type PlayContext } from "./play.js";
import type { GameOptions } from "./options.js";
import { htmlPage, markdownTable, type GameRow } from "./table.js";
import { organismSpec } from "./template.js";

export interface GameResult {
  rows: GameRow[];
  /** Organisms whose build has not finished (stopped at a deadline, failed, or not started). */
  unbuilt: string[];
  failed: { name: string; error: string }[];
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
    if (old.hidden.length >= hidden.length) return [...hidden, controlSpec(hidden[0]!, o.seed)];
  }
  writeFileAtomic(
    path,
    JSON.stringify({ seed: o.seed, n: o.n, base: o.base, hidden }, null, 2) + "\n",
  );
  return [...hidden, controlSpec(hidden[0]!, o.seed)];
}

/** The base as organism specs name it: a zoo name as given, a folder relative to specs/. */
function specBase(o: GameOptions, baseDir: string): string {
  return existsSync(o.base) ? relative(join(o.out, "specs"), baseDir) : o.base;
}

/** Builds the unbuilt organisms (elsewhere when the caller can); returns those left unbuilt. */
async function buildStage(ctx: PlayContext, specs: HiddenSpec[]) {
  const todo = specs.filter((h) => !builtRecord(ctx.o.out, h.name)).map((h) => h.name);
  if (todo.length === 0) return { unbuilt: [], failed: [] };
  if (ctx.o.buildElsewhere) {
    const r = await ctx.o.buildElsewhere(todo);
    return { unbuilt: [...r.unfinished, ...r.failed.map((f) => f.name)], failed: r.failed };
  }
  for (const name of todo)
    await buildOne(
      ctx,
      specs.find((h) => h.name === name)!,
    );
  return { unbuilt: [], failed: [] };
}

/** Audits and scores every built organism not yet scored with these audit settings. */
async function auditStage(ctx: PlayContext, specs: HiddenSpec[]): Promise<GameRow[]> {
  const { o, key, resultsPath } = ctx;
  const rows: GameRow[] = [];
  for (const h of specs) {
    if (!builtRecord(o.out, h.name)) continue;
    const found = () =>
      readResults(resultsPath).findLast((r) => r.name === h.name && r.key === key);
    if (!found() && o.isolate) await o.isolate(h.name);
    const row = found()?.row ?? (await auditOne(ctx, h));
    rows.push(row);
  }
  return rows;
}

export async function runGame(opts: GameOptions): Promise<GameResult> {
  const o = { ...opts, out: resolve(opts.out) };
  const baseDir = findModelDir(o.base).dir;
  for (const d of ["specs", "builds"]) mkdirSync(join(o.out, d), { recursive: true });
  const specs = gameSpecs(o, baseDir);
  const stage = o.stage ?? "all";
  const ctx: PlayContext = {
    o,
    baseDir,
    key: JSON.stringify(o.audit ?? {}),
    resultsPath: join(o.out, "results.jsonl"),
    spec: (h) => organismSpec(h, specBase(o, baseDir), o.template ?? {}, specFileOf(o.out, h)),
  };
  if (o.only !== undefined) {
    const h = specs.find((x) => x.name === o.only);
    if (!h) throw new Error(`game: no organism '${o.only}' in ${join(o.out, "game.json")}`);
    if (stage !== "audit") await buildOne(ctx, h);
    if (stage !== "build") await auditOne(ctx, h);
    return { rows: [], unbuilt: [], failed: [] };
  }
  const built =
    stage === "audit"
      ? {
          unbuilt: specs.filter((h) => !builtRecord(o.out, h.name)).map((h) => h.name),
          failed: [],
        }
      : await buildStage(ctx, specs);
  if (stage === "build") return { rows: [], ...built };
  const rows = await auditStage(ctx, specs);
  writeFileAtomic(join(o.out, "table.md"), markdownTable(rows, built.unbuilt));
  writeFileAtomic(
    join(o.out, "index.html"),
    htmlPage(`trigscope game, seed ${o.seed}, N ${o.n}`, rows, built.unbuilt),
  );
  return { rows, ...built };
}

export type { GameOptions, GameStage } from "./options.js";

const specFileOf = (out: string, h: HiddenSpec) => join(out, "specs", `${h.name}.json`);
