/**
 * The audit on each engine (the zoo's fruit-refusal organism, CPU, the reduced settings of
 * audit.test.ts): --engine fast and --engine jax give the same verdict and the same top five
 * latents per SAE-Attribution iteration and supervised SAE-MELBO vector (scores within rtol 1e-3;
 * steering-success and probe counts may differ where a greedy completion flips on a last-bit
 * difference, so they are not compared); the report says which engine ran each stage and why the
 * generation stages stayed on jax-js; --engine is checked by the CLI before any work.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveAuditInputs } from "../../src/audit/inputs.js";
import { runAudit } from "../../src/audit/pipeline.js";
import type { AuditReport } from "../../src/audit/report.js";
import { UsageError } from "../../src/cli/options.js";
import { initEngine } from "../../src/engine/device.js";
import type { EngineChoice } from "../../src/model/engine-select.js";
import { zooOrganisms } from "../../src/organisms/audit-zoo.js";
import { expectClose } from "../model/compare.js";
import { runCommand } from "../cli/run-command.js";

const audit = (engine: EngineChoice, log: string[]) =>
  runAudit(
    resolveAuditInputs(
      { organism: "fruit-refusal", trainPrompts: 8, heldOutPrompts: 12 },
      zooOrganisms(),
    ),
    {
      out: mkdtempSync(join(tmpdir(), `trigscope-audit-${engine}-`)),
      engine,
      probes: 12,
      candidates: 3,
      settings: { "supervised-sae-melbo": { steps: 25, vectors: 1 } },
      log: (l: string) => log.push(l),
    },
  );

/** Per ranking of the report: its name and top five latents with their scores. */
function tops(r: AuditReport) {
  return r.methods
    .flatMap((m) => [
      ...(m.iterations ?? []).map((it, i) => ({ name: `${m.method}/${i}`, ls: it.latents })),
      ...(m.vectors ?? []).map((v, i) => ({ name: `${m.method}/v${i}`, ls: v.latents })),
    ])
    .map(({ name, ls }) => ({ name, ls: ls.slice(0, 5) }));
}

const fastLog: string[] = [];
let fast: AuditReport;
let jax: AuditReport;

beforeAll(async () => {
  await initEngine("wasm");
  fast = await audit("fast", fastLog);
  jax = await audit("jax", []);
}, 900_000);

describe("the audit on the fast path and on jax-js", () => {
  it("gives the same verdict and top latents", () => {
    expect(fast.verdict).toEqual(jax.verdict);
    const [f, j] = [tops(fast), tops(jax)];
    expect(f.map((x) => x.name)).toEqual(j.map((x) => x.name));
    f.forEach((x, i) => {
      expect(
        x.ls.map((l) => l.index),
        x.name,
      ).toEqual(j[i]!.ls.map((l) => l.index));
      const want = j[i]!.ls.map((l) => l.score);
      expectClose(
        x.name,
        x.ls.map((l) => l.score),
        want,
        { atol: 0, rtol: 1e-3 },
      );
    });
  });

  it("says which engine ran each stage and why generation stayed on jax-js", () => {
    const fastReason = "fast (requested: llama on wasm)";
    const generation = "jax (generation with a KV cache: not on the fast path)";
    expect(fast.engines).toMatchObject({
      "sae-attribution": fastReason,
      "supervised-sae-melbo": fastReason,
      "supervised-sae-melbo steering": generation,
      probes: generation,
    });
    expect(jax.engines!["supervised-sae-melbo"]).toBe("jax (requested)");
    expect(fastLog).toContain(`engine: ${fastReason}`);
    expect(fastLog).toContain(`  supervised-sae-melbo engine: ${fastReason}`);
  });
});

describe("--engine on the command line", () => {
  it("rejects an unknown engine before any work", async () => {
    for (const cmd of [["audit", "--organism", "fruit-refusal"], ["start"]]) {
      const run = runCommand([...cmd, "--engine", "torch"]);
      await expect(run).rejects.toThrow(UsageError);
      await expect(runCommand([...cmd, "--engine", "torch"])).rejects.toThrow(/--engine/);
    }
  });
});
