/**
 * `npm run build:web`: bundles the dashboard's page script into dist/web/app.js, which the server
 * falls back to where esbuild cannot run (the server bundles from source at start otherwise).
 */
import { resolve } from "node:path";
import { writeWebApp } from "./build.js";

const file = await writeWebApp(resolve(process.argv[2] ?? "dist/web"));
process.stdout.write(`wrote ${file}\n`);
