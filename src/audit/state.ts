/**
 * An audit's progress on disk (out/audit-state.json), so an interrupted audit resumes: each stage
 * (a method, a vector's steering test, the probes) is stored as soon as it is done, under a key,
 * with the fingerprint of the inputs and settings. A state with another fingerprint is set aside
 * (renamed), never mixed in. Given the run's AbortSignal, it starts no stage once the signal is
 * aborted (SIGINT/SIGTERM in the CLI), so an interrupted audit stops between stages, all saved.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "../io/atomic.js";

export const STATE_FILE = "audit-state.json";

interface StateFile {
  version: 1;
  fingerprint: string;
  stages: Record<string, unknown>;
}

/** Thrown by `stage` when the signal was aborted before the stage started. */
export class AuditInterrupted extends Error {
  constructor(
    readonly stage: string,
    readonly dir: string,
  ) {
    super(`the audit was interrupted before stage '${stage}'; finished stages are in ${dir}`);
    this.name = "AuditInterrupted";
  }
}

export class AuditState {
  private readonly path: string;
  private readonly signal: AbortSignal | undefined;
  private state: StateFile;
  /** Stages found done when the state was opened. */
  readonly resumed: string[];

  constructor(
    readonly dir: string,
    fingerprint: string,
    opts: { fresh?: boolean; signal?: AbortSignal } = {},
  ) {
    this.signal = opts.signal;
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, STATE_FILE);
    let prior: StateFile | null = null;
    if (existsSync(this.path)) {
      try {
        prior = JSON.parse(readFileSync(this.path, "utf8")) as StateFile;
      } catch {
        prior = null;
      }
      if (!prior || prior.version !== 1 || prior.fingerprint !== fingerprint || opts.fresh) {
        renameSync(this.path, `${this.path}.${Date.now()}.old`);
        prior = null;
      }
    }
    this.state = prior ?? { version: 1, fingerprint, stages: {} };
    this.resumed = Object.keys(this.state.stages);
  }

  get<T>(key: string): T | undefined {
    return this.state.stages[key] as T | undefined;
  }

  put<T>(key: string, value: T): T {
    this.state.stages[key] = value;
    writeJsonAtomic(this.path, this.state);
    return value;
  }

  /** The stored value of `key`, or computes, stores and returns it (unless the run was stopped). */
  async stage<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const done = this.get<T>(key);
    if (done !== undefined) return done;
    if (this.signal?.aborted) throw new AuditInterrupted(key, this.dir);
    return this.put(key, await compute());
  }
}
