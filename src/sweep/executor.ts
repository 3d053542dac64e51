/**
 * Runs cells in a child process (child.ts), one at a time, so that the engine's memory and threads
 * belong to a process that can be replaced, and a queue worker's own event loop stays free to renew
 * its job locks while a cell computes. The child is started on first use and again after it dies.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Cell, KeyedCell } from "./cells.js";
import type { CellMeasures } from "./job.js";

export interface ChildRequest {
  id: number;
  key: string;
  cell: Cell;
}

export type ChildReply =
  | { id: number; ok: true; measures: CellMeasures; seconds: number }
  | { id: number; ok: false; error: string };

export interface ExecutorOptions {
  device: "wasm" | "webgpu";
  /** Folder for the audits' scratch output. */
  scratch: string;
}

/** The child entry beside this file (.ts through tsx's loader when running from source). */
function childEntry(): { path: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith(".ts");
  const path = here.replace(/executor\.(ts|js)$/, `child.${ts ? "ts" : "js"}`);
  if (!ts) return { path, execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { path, execArgv: ["--import", tsx] };
}

export class CellExecutor {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private pending = new Map<
    number,
    {
      resolve: (r: { measures: CellMeasures; seconds: number }) => void;
      reject: (e: Error) => void;
    }
  >();

  constructor(private readonly o: ExecutorOptions) {}

  /** The child's process id, once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): ChildProcess {
    const { path, execArgv } = childEntry();
    const child = fork(path, [], {
      execArgv,
      env: {
        ...process.env,
        TRIGSCOPE_SWEEP_DEVICE: this.o.device,
        TRIGSCOPE_SWEEP_SCRATCH: this.o.scratch,
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.on("message", (m: ChildReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve({ measures: m.measures, seconds: m.seconds });
      else p.reject(new Error(m.error));
    });
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = null;
      const err = new Error(`the cell process exited (${signal ?? `code ${code}`})`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
    return child;
  }

  /** Runs one cell in the child; rejects with the cell's error or when the child dies. */
  run(c: KeyedCell): Promise<{ measures: CellMeasures; seconds: number }> {
    this.child ??= this.start();
    const id = this.nextId++;
    const child = this.child;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, key: c.key, cell: c.cell } satisfies ChildRequest);
    });
  }

  /** Stops the child (a running cell is abandoned). */
  close(): void {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) child.kill("SIGTERM");
  }
}
