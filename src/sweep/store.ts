/**
 * A sweep folder: `cells/<key>.json` holds one finished cell each (written atomically, so a
 * reader sees a whole result or none), `attempts.jsonl` records every execution's start, finish
 * and failure (appended, one line per event: the record that shows a cell killed mid-way was run
 * again exactly once), and `sweep.json` the sweep the folder last ran. Results are keyed by the
 * cell's content hash, so a changed sweep file reuses every cell it shares with the old one.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeJsonAtomic } from "../io/atomic.js";
import type { Cell, KeyedCell } from "./cells.js";
import type { CellMeasures } from "./job.js";

export interface CellRun {
  /** Who ran it: "local-<n>" or the queue worker's name. */
  worker: string;
  host: string;
  pid: number;
  seconds: number;
  finishedAt: string;
}

export interface CellResult {
  key: string;
  cell: Cell;
  measures: CellMeasures;
  run: CellRun;
}

export interface AttemptEvent {
  key: string;
  event: "start" | "finish" | "fail";
  worker: string;
  host: string;
  pid: number;
  at: string;
  error?: string;
}

const KEY = /^[0-9a-f]{16}$/;

export class SweepStore {
  readonly cellsDir: string;
  readonly attemptsPath: string;

  constructor(readonly dir: string) {
    this.cellsDir = join(dir, "cells");
    this.attemptsPath = join(dir, "attempts.jsonl");
    mkdirSync(this.cellsDir, { recursive: true });
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a cell key: '${key}'`);
    return join(this.cellsDir, `${key}.json`);
  }

  has(key: string): boolean {
    return existsSync(this.path(key));
  }

  read(key: string): CellResult | null {
    return this.has(key) ? (JSON.parse(readFileSync(this.path(key), "utf8")) as CellResult) : null;
  }

  write(result: CellResult): void {
    writeJsonAtomic(this.path(result.key), result);
  }

  /** The stored results of the given cells (those finished), in their order. */
  results(cells: KeyedCell[]): CellResult[] {
    return cells.map((c) => this.read(c.key)).filter((r): r is CellResult => r !== null);
  }

  /** Every stored result's key. */
  keys(): string[] {
    return readdirSync(this.cellsDir)
      .filter((f) => f.endsWith(".json") && KEY.test(f.slice(0, -5)))
      .map((f) => f.slice(0, -5));
  }

  /** Appends an attempt event (one short line: O_APPEND keeps concurrent writers' lines whole). */
  logAttempt(e: Omit<AttemptEvent, "at" | "host">): void {
    appendAttempt(this.attemptsPath, e);
  }

  attempts(): AttemptEvent[] {
    return readAttempts(this.attemptsPath);
  }

  writeSweep(value: unknown): void {
    writeJsonAtomic(join(this.dir, "sweep.json"), value);
  }
}

export function appendAttempt(path: string, e: Omit<AttemptEvent, "at" | "host">): void {
  const line: AttemptEvent = { ...e, host: hostname(), at: new Date().toISOString() };
  appendFileSync(path, JSON.stringify(line) + "\n");
}

export function readAttempts(path: string): AttemptEvent[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as AttemptEvent);
}

/** The record of who ran a cell (this process). */
export function cellRun(worker: string, seconds: number): CellRun {
  return {
    worker,
    host: hostname(),
    pid: process.pid,
    seconds,
    finishedAt: new Date().toISOString(),
  };
}
