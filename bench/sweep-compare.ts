/**
 * Compares two sweep folders cell by cell (for instance the local pool's run and the same grid run
 * through BullMQ/Redis): for every cell key in both, the measures must be equal exactly (ranks,
 * rankings' labels, steering counts, verdict; tolerance 0, since the same cell on the same code is
 * meant to give the same numbers wherever it runs). Prints a markdown summary and, with --out,
 * writes it there; exits 1 when a shared cell differs.
 *
 *   npx tsx bench/sweep-compare.ts bench/results/sweep-zoo-144 bench/results/sweep-zoo-queue-144 \
 *     [--out bench/results/sweep-zoo-queue-144/compare-local.md]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";

interface CellFile {
  key: string;
  measures: unknown;
  run: { worker: string; seconds: number };
}

function readCells(dir: string): Map<string, CellFile> {
  const cells = join(dir, "cells");
  if (!existsSync(cells)) throw new Error(`${dir}: no cells/ folder (not a sweep folder?)`);
  const out = new Map<string, CellFile>();
  for (const f of readdirSync(cells).filter((n) => n.endsWith(".json"))) {
    const c = JSON.parse(readFileSync(join(cells, f), "utf8")) as CellFile;
    if (typeof c.key !== "string" || c.measures === undefined)
      throw new Error(`${join(cells, f)}: field 'key' or 'measures' missing`);
    out.set(c.key, c);
  }
  return out;
}

/** Paths (a.b[0].c) where two JSON values differ. */
function diffPaths(a: unknown, b: unknown, at = ""): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return [at];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) =>
    diffPaths(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      at ? `${at}.${k}` : k,
    ),
  );
}

function compare(aDir: string, bDir: string): { text: string; ok: boolean } {
  const a = readCells(aDir);
  const b = readCells(bDir);
  const shared = [...a.keys()].filter((k) => b.has(k)).sort();
  const differ = shared
    .map((k) => ({ k, paths: diffPaths(a.get(k)!.measures, b.get(k)!.measures) }))
    .filter((d) => d.paths.length > 0);
  const secs = (m: Map<string, CellFile>) =>
    shared.reduce((s, k) => s + m.get(k)!.run.seconds, 0).toFixed(0);
  const lines = [
    `# ${aDir} vs ${bDir}`,
    "",
    `| | cells |`,
    `|---|---|`,
    `| in ${aDir} | ${a.size} |`,
    `| in ${bDir} | ${b.size} |`,
    `| in both | ${shared.length} |`,
    `| in both, measures equal (tolerance 0) | ${shared.length - differ.length} |`,
    `| in both, measures differ | ${differ.length} |`,
    "",
    `Cell seconds summed over the shared cells: ${secs(a)} s (${aDir}), ${secs(b)} s (${bDir}).`,
    ...differ.map((d) => `- ${d.k}: ${d.paths.join(", ")}`),
    "",
  ];
  return { text: lines.join("\n"), ok: differ.length === 0 };
}

function main(argv: string[]): number {
  const outAt = argv.indexOf("--out");
  const out = outAt >= 0 ? argv[outAt + 1] : undefined;
  const dirs = argv.filter((_, i) => outAt < 0 || (i !== outAt && i !== outAt + 1));
  if (dirs.length !== 2 || (outAt >= 0 && !out)) {
    process.stderr.write("usage: tsx bench/sweep-compare.ts DIR_A DIR_B [--out FILE.md]\n");
    return 2;
  }
  const { text, ok } = compare(dirs[0]!, dirs[1]!);
  process.stdout.write(text);
  if (out) writeFileSync(out, text);
  return ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
