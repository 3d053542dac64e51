#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (no build step needed after `npm install`).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
const { EXIT } = await import("../src/cli/exit-codes.ts");
const code = await main(process.argv.slice(2));
// An interrupted command has saved its state; the engine's worker threads must not keep it alive.
if (code === EXIT.interrupted) process.exit(code);
process.exitCode = code;
