/**
 * The dashboard's HTTP server (node:http, 127.0.0.1 by default): the page, its bundled script and
 * JSON answers over the files trigscope writes. Pages are cross-origin isolated (COOP/COEP), which
 * the browser requires before it hands jax-js the SharedArrayBuffer its wasm threads share.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWebApp } from "./build.js";
import { listAudits, listOrganisms, listRuns, listSaes, type DataSources } from "./data.js";
import { organismFiles, organismWeights } from "./organism-files.js";
import { pageHtml } from "./page.js";
import {
  auditResponse,
  auditVectors,
  decoderRow,
  findSae,
  labelFile,
  latentIndex,
  NotFoundError,
  runResponse,
} from "./resources.js";
import { latentHistogram } from "./histogram.js";
import type { IndexResponse, LatentResponse } from "./types.js";

export interface DashboardOptions {
  sources: DataSources;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Prebuilt page script (else bundled at start). */
  appJs?: string;
}

const OPTION_KEYS = new Set(["sources", "host", "port", "appJs"]);

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

type Handler = (q: URLSearchParams) => Promise<unknown> | unknown;

function param(q: URLSearchParams, name: string): string {
  const v = q.get(name);
  if (v === null || v === "") throw new NotFoundError(`missing query parameter '${name}'`);
  return v;
}

function routes(src: DataSources): Record<string, Handler> {
  return {
    "/api/index": (): IndexResponse => {
      const saes = listSaes(src);
      return {
        audits: listAudits(src, saes),
        runs: listRuns(src),
        saes,
        organisms: listOrganisms(src),
      };
    },
    "/api/audit": (q) => auditResponse(src, param(q, "id")),
    "/api/audit-vectors": (q) => auditVectors(src, param(q, "id")),
    "/api/run": (q) => runResponse(src, param(q, "id")),
    "/api/latents": (q) => latentIndex(findSae(src, param(q, "sae"))),
    "/api/latent": (q): LatentResponse => {
      const sae = findSae(src, param(q, "sae"));
      const index = Number(param(q, "index"));
      const latent = labelFile(sae).latents.find((l) => l.index === index);
      if (!latent) throw new NotFoundError(`latent ${index} is not in ${sae.id}'s labels`);
      return { sae, latent };
    },
    "/api/histogram": (q) =>
      latentHistogram(findSae(src, param(q, "sae")), Number(param(q, "index"))),
    "/api/decoder": (q) => decoderRow(findSae(src, param(q, "sae")), Number(param(q, "index"))),
    "/api/organism": (q) => organismFiles(src.zoo, param(q, "name")),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array) {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", ...ISOLATION });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse, src: DataSources, appJs: string) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname;
  if (req.method !== "GET") return send(res, 405, "text/plain", "GET only");
  if (path === "/" || path === "/index.html")
    return send(res, 200, "text/html; charset=utf-8", pageHtml());
  if (path === "/app.js") return send(res, 200, "text/javascript; charset=utf-8", appJs);
  const weights = /^\/api\/zoo\/([\w.-]+)\/model\.safetensors$/.exec(path);
  try {
    if (weights)
      return send(res, 200, "application/octet-stream", organismWeights(src.zoo, weights[1]!));
    const route = routes(src)[path];
    if (!route) return send(res, 404, "text/plain", `no such page: ${path}`);
    const body = JSON.stringify(await route(url.searchParams));
    return send(res, 200, "application/json; charset=utf-8", body);
  } catch (err) {
    const e = err as Error;
    const status = e instanceof NotFoundError ? 404 : 500;
    return send(
      res,
      status,
      "application/json",
      JSON.stringify({ error: `${e.name}: ${e.message}` }),
    );
  }
}

/** The page script: bundled from source now, else the one `npm run build:web` wrote. */
async function pageScript(): Promise<string> {
  try {
    return (await buildWebApp()).js;
  } catch (err) {
    const built = join(
      dirname(fileURLToPath(import.meta.url)),
      "..",
      "..",
      "dist",
      "web",
      "app.js",
    );
    if (existsSync(built)) return readFileSync(built, "utf8");
    throw err;
  }
}

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  for (const k of Object.keys(opts)) {
    if (!OPTION_KEYS.has(k)) throw new Error(`startDashboard: unknown option '${k}'`);
  }
  const appJs = opts.appJs ?? (await pageScript());
  const server = createServer((req, res) => void handle(req, res, opts.sources, appJs));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8321, opts.host ?? "127.0.0.1", resolve);
  });
  const a = server.address() as AddressInfo;
  const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
  return {
    url: `http://${host}:${a.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
