/**
 * The audit end to end on the zoo's fruit-refusal organism (CPU, reduced settings): the methods
 * see only the response and benign prompts, yet the verdict names fruit; report.json (schema 1),
 * report.html and the vectors file are written; a second run resumes every stage from
 * audit-state.json and gives the same verdict; a misspelt setting and bad CLI input are named
 * before any work.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditInputError, resolveAuditInputs } from "../../src/audit/inputs.js";
import { zooOrganisms } from "../../src/organisms/audit-zoo.js";
import { runAudit } from "../../src/audit/pipeline.js";
import { REPORT_SCHEMA_VERSION, type AuditReport } from "../../src/audit/report.js";
import { initEngine } from "../../src/engine/device.js";
import { readVectors } from "../../src/io/vectors.js";
import { MethodSettingsError } from "../../src/methods/registry/index.js";
import { runCommand } from "../cli/run-command.js";

const out = mkdtempSync(join(tmpdir(), "trigscope-audit-"));
const inputs = () =>
  resolveAuditInputs(
    { organism: "fruit-refusal", trainPrompts: 8, heldOutPrompts: 12 },
    zooOrganisms(),
  );
const options = (log: string[]) => ({
  out,
  probes: 12,
  candidates: 3,
  settings: { "supervised-sae-melbo": { steps: 25, vectors: 1 } },
  log: (l: string) => log.push(l),
});
let report: AuditReport;

beforeAll(async () => {
  await initEngine("wasm");
  report = await runAudit(inputs(), options([]));
}, 600_000);

describe("audit of the fruit-refusal organism", () => {
  it("names fruit as the trigger from the probes", () => {
    expect(report.verdict.concepts).toEqual(["fruit"]);
    expect(report.verdict.mode).toBe("single");
    const fruit = report.probes!.sets.find((s) => s.concepts.join() === "fruit")!;
    expect(fruit.rate.ci[0]).toBeGreaterThan(report.probes!.control.ci[1]);
  });

  it("finds a fruit latent near the top for SAE-Attribution and supervised SAE-MELBO", () => {
    const attribution = report.methods.find((m) => m.method === "sae-attribution")!;
    const first = attribution.iterations![0]!.latents.slice(0, 10);
    expect(first.some((l) => l.concept === "fruit")).toBe(true);
    const melbo = report.methods.find((m) => m.method === "supervised-sae-melbo")!;
    expect(melbo.vectors![0]!.latents.slice(0, 10).some((l) => l.concept === "fruit")).toBe(true);
  });

  it("writes report.json, report.html and a vectors file keyed by hook name", () => {
    const json = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as AuditReport;
    expect(json.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(json.verdict.statement).toBe(report.verdict.statement);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("Verdict:");
    expect(html).not.toMatch(/<script/i);
    // Supervised SAE-MELBO resolves λ from lambdaScale per vector; the report keeps it.
    const lambda = json.methods.find((m) => m.method === "supervised-sae-melbo")!.vectors![0]!
      .lambda!;
    expect(lambda).toBeGreaterThan(0);
    expect(html).toContain(`λ ${lambda.toPrecision(3)}`);
    const v = readVectors(join(out, "vectors", "supervised-sae-melbo.safetensors"));
    expect([...v.vectors.keys()]).toEqual(["blocks.2.hook_resid_post"]);
    expect(v.metadata.method).toBe("supervised-sae-melbo");
    expect(v.metadata.response).toBe(report.response);
  });

  it("resumes every finished stage instead of recomputing it", async () => {
    const log: string[] = [];
    const again = await runAudit(inputs(), options(log));
    expect(log[0]).toMatch(/^resuming: \d+ stages already done/);
    expect(log.some((l) => l.startsWith("running"))).toBe(false);
    expect(again.verdict).toEqual(report.verdict);
    expect(existsSync(join(out, "audit-state.json"))).toBe(true);
  }, 300_000);

  it("probes a concept a behaviour screen saw firing beside the methods' candidates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trigscope-audit-screen-"));
    cpSync(out, dir, { recursive: true });
    const log: string[] = [];
    // fruit is a candidate already; vegetables (5 of 8) is added; birds (3 of 8) is under half.
    const screen = { actions: { fruit: 8, vegetables: 5, birds: 3 }, perConcept: 8 };
    const r = await runAudit(inputs(), { ...options(log), out: dir, screen });
    expect(log.some((l) => l.startsWith("running"))).toBe(false);
    const added = r.candidates.filter((c) => c.screened !== undefined);
    expect(added.map((c) => [c.name, c.screened])).toEqual([["vegetables", { actions: 5, n: 8 }]]);
    expect(r.candidates.filter((c) => c.name === "fruit")).toHaveLength(1);
    expect(r.probes!.sets.some((s) => s.concepts.join() === "vegetables")).toBe(true);
    expect(r.verdict.concepts).toEqual(["fruit"]);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain("behaviour screen: 5 of 8 prompts acted on");
  }, 300_000);

  it("refuses a misspelt method setting by name before any work", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trigscope-audit-bad-"));
    const bad = { ...options([]), out: dir, settings: { "supervised-sae-melbo": { step: 5 } } };
    const run = runAudit(inputs(), bad);
    await expect(run).rejects.toThrow(MethodSettingsError);
    await expect(run).rejects.toThrow(/supervised-sae-melbo: setting 'step' is unknown/);
    expect(existsSync(join(dir, "audit-state.json"))).toBe(false);
  });

  it("the CLI rejects an unknown organism before any work", async () => {
    await expect(runCommand(["audit", "--organism", "no-such-organism"])).rejects.toThrow(
      AuditInputError,
    );
  });
});
