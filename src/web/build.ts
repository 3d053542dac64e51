/**
 * Bundles the dashboard's page script (src/web/app/main.ts, with jax-js, the model code and
 * Chart.js) into one file with esbuild, so the page loads nothing from outside the server.
 *
 * The library's model code imports node: modules for file loading that the page never calls; the
 * bundle gets stand-ins that throw if called (their export names taken from Node's own modules).
 * src/engine/auto.ts, which installs Node polyfills before jax-js loads, is replaced by
 * app/engine-browser.ts: the browser has Worker, navigator and WebGPU natively.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
export const APP_ENTRY = join(HERE, "app", "main.ts");
const ENGINE_AUTO = resolve(HERE, "..", "engine", "auto.ts");
const ENGINE_BROWSER = join(HERE, "app", "engine-browser.ts");

export interface WebBundle {
  js: string;
  bytes: number;
}

/** A module whose every export throws: `node:fs` and friends, inside the page. */
async function nodeStandIn(name: string): Promise<string> {
  const mod = (await import(name)) as Record<string, unknown>;
  const names = Object.keys(mod).filter((k) => k !== "default" && /^[A-Za-z_$][\w$]*$/.test(k));
  const fail = `function(){throw new Error(${JSON.stringify(`${name} is not available in the browser`)})}`;
  return (
    `const f=${fail};export default new Proxy({}, {get: () => f});\n` +
    names.map((n) => `export const ${n} = f;`).join("\n")
  );
}

const browserPlugin: Plugin = {
  name: "trigscope-browser",
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, "");
      if (args.path.startsWith("node:") || builtins.has(bare.split("/")[0]!)) {
        return { path: `node:${bare}`, namespace: "node-stand-in" };
      }
      if (args.path === "./auto.js" && resolve(args.resolveDir, "auto.ts") === ENGINE_AUTO) {
        return { path: ENGINE_BROWSER };
      }
      return undefined;
    });
    build.onLoad({ filter: /.*/, namespace: "node-stand-in" }, async (args) => ({
      contents: await nodeStandIn(args.path),
      loader: "js",
    }));
  },
};

/** Bundles the page script in memory (minified unless `minify` is false). */
export async function buildWebApp(opts: { minify?: boolean } = {}): Promise<WebBundle> {
  const esbuild = await import("esbuild");
  const r = await esbuild.build({
    entryPoints: [APP_ENTRY],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: opts.minify ?? true,
    write: false,
    legalComments: "none",
    logLevel: "silent",
    plugins: [browserPlugin],
    // The library's .js import specifiers name .ts files (NodeNext style).
    resolveExtensions: [".ts", ".js", ".mjs", ".json"],
  });
  const js = r.outputFiles[0]!.text;
  return { js, bytes: Buffer.byteLength(js) };
}

/** `npm run build:web`: writes dist/web/app.js. */
export async function writeWebApp(outDir: string): Promise<string> {
  const b = await buildWebApp();
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "app.js");
  writeFileSync(file, b.js);
  return file;
}
