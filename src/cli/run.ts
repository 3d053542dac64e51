/** Process entry of the CLI (bundled for machines without the TypeScript toolchain). */
import { EXIT } from "./exit-codes.js";
import { main } from "./main.js";

const code = await main(process.argv.slice(2));
// An interrupted command has saved its state; the engine's worker threads must not keep it alive.
if (code === EXIT.interrupted) process.exit(code);
process.exitCode = code;
