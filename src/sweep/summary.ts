/**
 * What a sweep shows: per parameter, how recovery, steering success and the verdict vary with its
 * value (every other parameter and the seeds pooled), and per method and target a grid over two
 * swept parameters (layer × λ for a sweep of both). Recovery counts a cell as recovered when every
 * trigger concept is in the method's top 3 (its recovery rank ≤ 3); ranks past the list (20) count
 * as missing.
 */
import type { SettingValue } from "./spec.js";
import { targetName } from "./cells.js";
import type { CellResult } from "./store.js";

/** A cell counts as recovered when its recovery rank is at most this. */
export const RECOVERED_RANK = 3;

export interface Aggregate {
  cells: number;
  /** Cells whose target has a known trigger (recovery and verdict are scored on these). */
  scored: number;
  top1: number;
  top3: number;
  /** Median recovery rank; null when half or more are missing from the list. */
  medianRank: number | null;
  /** Mean steering success over cells with a vector, or null. */
  steering: number | null;
  verdictCorrect: number;
}

export interface ParameterTable {
  parameter: string;
  rows: { method: string; value: SettingValue; agg: Aggregate }[];
}

export interface Heatmap {
  method: string;
  target: string;
  x: { name: string; values: SettingValue[] };
  y: { name: string; values: SettingValue[] } | null;
  /** [y][x] aggregates (one row when there is no second parameter). */
  grid: Aggregate[][];
}

export interface SweepSummary {
  name: string;
  total: number;
  finished: number;
  tables: ParameterTable[];
  heatmaps: Heatmap[];
}

/** A result's value of a parameter: target, method, seed, layer, prompt counts, or a setting. */
export function parameterValue(r: CellResult, p: string): SettingValue | undefined {
  const c = r.cell;
  if (p === "target") return targetName(c.target);
  if (p === "method") return c.method;
  if (p === "layer") return c.layer;
  if (p === "seed" || p === "trainPrompts" || p === "heldOutPrompts") return c[p];
  if (p === "probes" || p === "candidates") return c[p];
  return c.settings[p];
}

export function aggregate(rs: CellResult[]): Aggregate {
  const scored = rs.filter((r) => r.measures.trigger !== null);
  const ranks = scored.map((r) => r.measures.rank ?? Infinity).sort((a, b) => a - b);
  const mid = ranks.length ? ranks[Math.floor((ranks.length - 1) / 2)]! : Infinity;
  const steer = rs
    .filter((r) => r.measures.steering !== null)
    .map((r) => r.measures.steering!.rate);
  return {
    cells: rs.length,
    scored: scored.length,
    top1: ranks.filter((k) => k <= 1).length,
    top3: ranks.filter((k) => k <= RECOVERED_RANK).length,
    medianRank: Number.isFinite(mid) ? mid : null,
    steering: steer.length ? steer.reduce((a, b) => a + b, 0) / steer.length : null,
    verdictCorrect: scored.filter((r) => r.measures.verdict.correct).length,
  };
}

const sortValues = (vs: SettingValue[]) =>
  [...vs].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b)),
  );

function valuesOf(rs: CellResult[], p: string): SettingValue[] {
  const set = new Set<SettingValue>();
  for (const r of rs) {
    const v = parameterValue(r, p);
    if (v !== undefined) set.add(v);
  }
  return sortValues([...set]);
}

function groupBy<K>(rs: CellResult[], key: (r: CellResult) => K): Map<K, CellResult[]> {
  const m = new Map<K, CellResult[]>();
  for (const r of rs) {
    const k = key(r);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(r);
  }
  return m;
}

/** The parameters that take more than one value among the results (seed included). */
function sweptNames(rs: CellResult[]): string[] {
  const names = new Set(["target", "method", "layer", "seed", "trainPrompts", "heldOutPrompts"]);
  for (const n of ["probes", "candidates"]) names.add(n);
  for (const r of rs) for (const k of Object.keys(r.cell.settings)) names.add(k);
  return [...names].filter((n) => valuesOf(rs, n).length > 1);
}

/** Parameters swept within some method (a setting fixed per method is not swept), and "method". */
function tableNames(rs: CellResult[]): string[] {
  const within = new Set([...groupBy(rs, (r) => r.cell.method).values()].flatMap(sweptNames));
  return sweptNames(rs).filter((n) => n === "method" || within.has(n));
}

/** Heatmap axes of a method's results: layer first, then the other swept settings (not seed). */
function heatmapAxes(rs: CellResult[]): string[] {
  const swept = sweptNames(rs).filter((n) => n !== "seed" && n !== "target" && n !== "method");
  return [...swept.filter((n) => n === "layer"), ...swept.filter((n) => n !== "layer")];
}

export function summarise(name: string, total: number, rs: CellResult[]): SweepSummary {
  const tables: ParameterTable[] = tableNames(rs).map((parameter) => ({
    parameter,
    rows: [...groupBy(rs, (r) => r.cell.method)].flatMap(([method, ms]) =>
      valuesOf(ms, parameter).map((value) => ({
        method,
        value,
        agg: aggregate(ms.filter((r) => parameterValue(r, parameter) === value)),
      })),
    ),
  }));
  const heatmaps: Heatmap[] = [];
  for (const [method, ms] of groupBy(rs, (r) => r.cell.method)) {
    const axes = heatmapAxes(ms);
    if (axes.length === 0) continue;
    const [xName, yName] = axes as [string, string | undefined];
    for (const [target, ts] of groupBy(ms, (r) => targetName(r.cell.target))) {
      const xs = valuesOf(ms, xName);
      const ys = yName ? valuesOf(ms, yName) : [undefined];
      const grid = ys.map((y) =>
        xs.map((x) =>
          aggregate(
            ts.filter(
              (r) =>
                parameterValue(r, xName) === x &&
                (yName === undefined || parameterValue(r, yName) === y),
            ),
          ),
        ),
      );
      heatmaps.push({
        method,
        target,
        x: { name: xName, values: xs },
        y: yName ? { name: yName, values: valuesOf(ms, yName) } : null,
        grid,
      });
    }
  }
  return { name, total, finished: rs.length, tables, heatmaps };
}
