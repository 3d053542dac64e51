/**
 * The dashboard server without a browser: what it finds under the served folder, that ids outside
 * its listing are refused (no path escapes), the organism's merged weights, typed options, and the
 * CLI's flags and `npm start`'s closing hint.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardHint } from "../../src/cli/start.js";
import { parseSafetensors } from "../../src/io/safetensors.js";
import { zooDir } from "../../src/io/zoo-manifest.js";
import { startDashboard, type Dashboard } from "../../src/web/server.js";
import type { IndexResponse, OrganismFiles, VectorChoice } from "../../src/web/types.js";
import { runCommand } from "../cli/run-command.js";
import { fixtureVector, writeFixtureAudit } from "./fixtures.js";

let dash: Dashboard;
const get = (path: string) => fetch(new URL(path, dash.url));

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "trigscope-ui-srv-"));
  writeFixtureAudit(join(dir, "audits"), "fruit-refusal");
  dash = await startDashboard({ sources: { dir, zoo: zooDir() }, port: 0, appJs: "/* page */" });
});
afterAll(() => dash.close());

describe("dashboard server", () => {
  it("lists the audits under the served folder and the zoo's SAE and organisms", async () => {
    const index = (await (await get("/api/index")).json()) as IndexResponse;
    expect(index.audits.map((a) => [a.id, a.saeId])).toEqual([
      ["audits/fruit-refusal", "zoo:base/sae"],
    ]);
    expect(index.saes.map((s) => s.id)).toEqual(["zoo:base/sae"]);
    expect(index.organisms.map((o) => o.name)).toContain("fruit-refusal");
  });

  it("reads an audit's steering vector from the file and row report.json names", async () => {
    const vs = (await (
      await get("/api/audit-vectors?id=audits/fruit-refusal")
    ).json()) as VectorChoice[];
    expect(vs.map((v) => [v.method, v.index, v.layer, v.hookName])).toEqual([
      ["supervised-sae-melbo", 0, 2, "blocks.2.hook_resid_post"],
    ]);
    expect(vs[0]!.values).toEqual(Array.from(fixtureVector()));
  });

  it("serves the page cross-origin isolated, which jax-js's wasm threads need", async () => {
    const res = await get("/");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(await res.text()).toContain('<script type="module" src="/app.js">');
  });

  it("refuses ids it did not list, including paths out of the folder", async () => {
    for (const path of [
      "/api/audit?id=../../etc",
      "/api/audit?id=audits",
      "/api/run?id=x",
      "/api/latents?sae=zoo:nope",
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
    }
    expect((await get("/api/zoo/..%2F..%2Fetc/model.safetensors")).status).toBe(404);
    for (const name of ["..", ".", "base%2Fsae", "test"]) {
      expect((await get(`/api/organism?name=${name}`)).status, name).toBe(404);
    }
  });

  it("serves an organism's weights with its LoRA merged, as float32 safetensors", async () => {
    const files = (await (await get("/api/organism?name=fruit-refusal")).json()) as OrganismFiles;
    const bytes = new Uint8Array(await (await get(files.weightsUrl)).arrayBuffer());
    expect(bytes.byteLength).toBe(files.weightsBytes);
    const st = parseSafetensors(bytes, "merged");
    expect([...st.tensors.values()].every((t) => t.dtype === "F32")).toBe(true);
    expect([...st.tensors.keys()].some((k) => k.includes("lora"))).toBe(false);
  });

  it("rejects unknown options and bad flags", async () => {
    await expect(
      startDashboard({ sources: { dir: ".", zoo: zooDir() }, colour: "red" } as never),
    ).rejects.toThrow(/unknown option 'colour'/);
    await expect(runCommand(["ui", "--port", "http"])).rejects.toThrow(/--port must be an integer/);
  });

  it("npm start's hint names the audit's page", () => {
    expect(dashboardHint("audits/fruit-refusal")).toContain(
      "http://127.0.0.1:8321/#/audit/audits%2Ffruit-refusal",
    );
  });
});
