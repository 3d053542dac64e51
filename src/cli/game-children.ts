/**
 * The game's child processes: each build (several at once, each stopped at the deadline with
 * SIGINT so it saves its checkpoint, then SIGKILL after a grace period) and each audit runs this
 * CLI again with `--only NAME --stage build|audit`, so each gets a fresh engine and its own GPU
 * queue. A build's output goes to logs/NAME.build.log in the game's folder.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPool, type PoolResult, type TaskOutcome } from "../game/pool.js";
import { EXIT } from "./exit-codes.js";

const SELF = fileURLToPath(import.meta.url);
/** This CLI's entry: the esbuild bundle itself (zoo/gpu.sh), else bin/trigscope.js. */
const ENTRY = SELF.endsWith(".mjs")
  ? SELF
  : fileURLToPath(new URL("../../bin/trigscope.js", import.meta.url));

/** Seconds a stopped build gets to save its checkpoint before it is killed. */
export const GRACE_SECONDS = 30;

function buildChild(
  argv: string[],
  name: string,
  logDir: string,
  signal: AbortSignal,
): Promise<TaskOutcome> {
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${name}.build.log`);
  const fd = openSync(log, "a");
  const child = spawn(process.execPath, [ENTRY, ...argv, "--only", name, "--stage", "build"], {
    stdio: ["ignore", fd, fd],
    // Its own process group: a terminal's Ctrl-C reaches the parent only, which stops each child
    // once (a second SIGINT would make the child exit without its checkpoint).
    detached: true,
  });
  closeSync(fd);
  let kill: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    child.kill("SIGINT");
    kill = setTimeout(() => child.kill("SIGKILL"), GRACE_SECONDS * 1000);
  };
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop, { once: true });
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("exit", (code, sig) => {
      if (kill) clearTimeout(kill);
      signal.removeEventListener("abort", stop);
      if (code === EXIT.ok) done("done");
      else if (signal.aborted && (code === EXIT.interrupted || sig !== null)) done("stopped");
      else fail(new Error(`build exited with ${code ?? sig}; see ${log}`));
    });
  });
}

/**
 * Builds `names` in child processes, `jobs` at once, stopping them `deadline` seconds after the
 * call (or when `signal` aborts); reports each as it ends on `log`.
 */
export async function buildInChildren(
  argv: string[],
  names: string[],
  o: { jobs: number; deadline?: number; out: string; signal?: AbortSignal },
  log: (line: string) => void,
): Promise<PoolResult> {
  const t0 = performance.now();
  const since = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  log(`building ${names.length} organism(s), ${o.jobs} at once: ${names.join(", ")}`);
  return runPool(
    names,
    async (name, signal) => {
      const r = await buildChild(argv, name, join(o.out, "logs"), signal).catch((e: Error) => {
        log(`${name}: failed after ${since()}: ${e.message}`);
        throw e;
      });
      log(`${name}: ${r === "done" ? "built" : "stopped (checkpoint saved)"} at ${since()}`);
      return r;
    },
    {
      jobs: o.jobs,
      ...(o.deadline !== undefined ? { deadlineMs: o.deadline * 1000 } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    },
  );
}

/** Audits one organism in a child process (stderr passed through). */
export function auditInChild(argv: string[], name: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [ENTRY, ...argv, "--only", name, "--stage", "audit"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0 ? done() : fail(new Error(`game: auditing ${name} exited with code ${code}`)),
    );
  });
}
