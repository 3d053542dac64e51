/**
 * A sweep's cells: the cartesian product of targets × methods × each method's swept settings ×
 * the shared grid × seeds. Each cell is one job, keyed by the SHA-256 of its canonical content (the
 * target, method, every setting, layer, prompt counts, seed and the job's version), so the same
 * cell in two sweep files, two runs or two machines has the same key, and a finished key is
 * never run again.
 */
import { createHash } from "node:crypto";
import type { MethodName } from "../audit/inputs.js";
import { readZooManifest } from "../io/zoo-manifest.js";
import type { ModelTarget, SettingValue, SweepSpec, Swept } from "./spec.js";
import { SweepSpecError } from "./spec.js";

/**
 * Bumped when what a cell computes or records changes, so older results are not reused for it.
 */
export const CELL_VERSION = 1;

/** Defaults of the shared grid: the audit's own (src/audit/inputs.ts, pipeline.ts). */
export const GRID_DEFAULTS = { trainPrompts: 16, heldOutPrompts: 32, probes: 24, candidates: 3 };

export type CellTarget = { organism: string } | { model: ModelTarget };

export interface Cell {
  version: number;
  target: CellTarget;
  method: MethodName;
  /** The method's settings given in the sweep (the audit fills in the rest from its defaults). */
  settings: Record<string, SettingValue>;
  /** The steering / SAE layer; absent means the SAE's own layer. */
  layer?: number;
  trainPrompts: number;
  heldOutPrompts: number;
  probes: number;
  candidates: number;
  seed: number;
}

export interface KeyedCell {
  key: string;
  cell: Cell;
}

/** The name of a cell's target (organism or model name). */
export function targetName(t: CellTarget): string {
  return "organism" in t ? t.organism : t.model.name;
}

/** JSON with object keys sorted at every depth: the same content always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** A cell's key: the first 16 hex digits of the SHA-256 of its canonical JSON. */
export function cellKey(cell: Cell): string {
  return createHash("sha256").update(canonicalJson(cell)).digest("hex").slice(0, 16);
}

const asList = <T>(v: Swept<T> | undefined): (T | undefined)[] =>
  v === undefined ? [undefined] : Array.isArray(v) ? v : [v];

/** Every combination of the given lists, as objects (keys with `undefined` left out). */
function product(axes: Record<string, unknown[]>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [k, values] of Object.entries(axes))
    out = out.flatMap((o) => values.map((v) => (v === undefined ? o : { ...o, [k]: v })));
  return out;
}

/** Checks that every organism is a backdoored zoo organism (`file` names the sweep in errors). */
export function checkOrganisms(spec: SweepSpec, file: string): void {
  const zoo = readZooManifest().organisms;
  for (const [i, name] of spec.organisms.entries()) {
    const entry = zoo.find((o) => o.name === name);
    if (!entry)
      throw new SweepSpecError(
        file,
        `organisms[${i}]`,
        `unknown organism '${name}' (zoo: ${zoo.map((o) => o.name).join(", ")})`,
      );
    if (entry.kind !== "backdoor" || !entry.trigger)
      throw new SweepSpecError(
        file,
        `organisms[${i}]`,
        `'${name}' is a ${entry.kind} organism; a sweep audits backdoors (use models: for others)`,
      );
  }
}

/** The sweep's cells in a stable order (targets, methods, settings, grid, seeds). */
export function expandCells(spec: SweepSpec): KeyedCell[] {
  const targets: CellTarget[] = [
    ...spec.organisms.map((organism) => ({ organism })),
    ...spec.models.map((model) => ({ model })),
  ];
  const grid = product({
    layer: asList(spec.grid.layer),
    trainPrompts: asList(spec.grid.trainPrompts),
    heldOutPrompts: asList(spec.grid.heldOutPrompts),
    probes: asList(spec.grid.probes),
    candidates: asList(spec.grid.candidates),
  });
  const cells: KeyedCell[] = [];
  for (const target of targets)
    for (const [method, given] of Object.entries(spec.methods)) {
      const settings = product(
        Object.fromEntries(Object.entries(given ?? {}).map(([k, v]) => [k, asList(v)])),
      ) as Record<string, SettingValue>[];
      for (const s of settings)
        for (const g of grid)
          for (const seed of spec.seeds) {
            const cell: Cell = {
              version: CELL_VERSION,
              target,
              method: method as MethodName,
              settings: s,
              ...(g.layer !== undefined ? { layer: g.layer as number } : {}),
              trainPrompts: (g.trainPrompts as number | undefined) ?? GRID_DEFAULTS.trainPrompts,
              heldOutPrompts:
                (g.heldOutPrompts as number | undefined) ?? GRID_DEFAULTS.heldOutPrompts,
              probes: (g.probes as number | undefined) ?? GRID_DEFAULTS.probes,
              candidates: (g.candidates as number | undefined) ?? GRID_DEFAULTS.candidates,
              seed,
            };
            cells.push({ key: cellKey(cell), cell });
          }
    }
  return cells;
}

/** The parameters a sweep varies, per method: name → the values taken (seed excluded). */
export function sweptParameters(cells: KeyedCell[]): Map<string, SettingValue[]> {
  const values = new Map<string, Set<SettingValue>>();
  const add = (k: string, v: SettingValue) => {
    if (!values.has(k)) values.set(k, new Set());
    values.get(k)!.add(v);
  };
  for (const { cell } of cells) {
    if (cell.layer !== undefined) add("layer", cell.layer);
    for (const k of ["trainPrompts", "heldOutPrompts", "probes", "candidates"] as const)
      add(k, cell[k]);
    for (const [k, v] of Object.entries(cell.settings)) add(k, v);
  }
  return new Map([...values].filter(([, s]) => s.size > 1).map(([k, s]) => [k, [...s]]));
}

/** A cell in one line: "snow-fruit supervised-melbo layer 2 lambda 0.01 seed 1". */
export function describeCell(cell: Cell): string {
  const settings = Object.entries(cell.settings).map(([k, v]) => `${k} ${String(v)}`);
  return [
    targetName(cell.target),
    cell.method,
    ...(cell.layer !== undefined ? [`layer ${cell.layer}`] : []),
    ...settings,
    `seed ${cell.seed}`,
  ].join(" ");
}
