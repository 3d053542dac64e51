/** Process entry of the CLI (bundled for machines without the TypeScript toolchain). */
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2));
