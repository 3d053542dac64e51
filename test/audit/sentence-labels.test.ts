/**
 * The audit with labels that are sentences: the zoo SAE's lexicon labels are replaced by
 * Neuronpedia-style explanations written from the concept labels alone (src/sae/sentence-labels.ts,
 * seed 1), passed as a Neuronpedia export to `--labels`; the candidates then come from WordNet
 * through the explanations, focused on their latents, and the verdict must still name the trigger:
 * fruit for fruit-refusal, fruit AND snow sports for snow-fruit. Reduced settings as in
 * audit.test.ts (CPU).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveAuditInputs } from "../../src/audit/inputs.js";
import { zooOrganisms } from "../../src/organisms/audit-zoo.js";
import { runAudit } from "../../src/audit/pipeline.js";
import type { AuditReport } from "../../src/audit/report.js";
import { initEngine } from "../../src/engine/device.js";
import { readLexiconFile } from "../../src/lexicon/lexicon-file.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { readLabelFile } from "../../src/sae/labels.js";
import { sentenceLabelExport } from "../../src/sae/sentence-labels.js";

const dir = mkdtempSync(join(tmpdir(), "trigscope-sentence-audit-"));
const base = findModelDir("base").dir;
const lexicon = readLexiconFile(base);
const exportPath = join(dir, "explanations.json");

async function audit(organism: string): Promise<AuditReport> {
  const inputs = resolveAuditInputs(
    {
      organism,
      labels: exportPath,
      trainPrompts: 8,
      heldOutPrompts: 12,
    },
    zooOrganisms(),
  );
  return runAudit(inputs, {
    out: join(dir, organism),
    probes: 12,
    candidates: 3,
    settings: { "supervised-sae-melbo": { steps: 25, vectors: 1 } },
  });
}

/** The lexicon concept most of a candidate's words belong to (how its name is checked). */
function mostlyOf(report: AuditReport, name: string): string {
  const words = report.candidates.find((c) => c.name === name)!.words;
  const counts = lexicon.concepts.map((c) => {
    const members = new Set([...c.train, ...c.heldOut]);
    return [c.name, words.filter((w) => members.has(w)).length] as const;
  });
  return counts.sort((a, b) => b[1] - a[1])[0]![0];
}

const reports: Record<string, AuditReport> = {};

beforeAll(async () => {
  await initEngine("wasm");
  const labels = readLabelFile(join(base, "sae", "labels.json"));
  writeFileSync(exportPath, JSON.stringify(sentenceLabelExport(labels, lexicon, { seed: 1 })));
  reports["fruit-refusal"] = await audit("fruit-refusal");
  reports["snow-fruit"] = await audit("snow-fruit");
}, 1_200_000);

describe("audits with sentence labels", () => {
  it("reads the latents through explanations, not lexicon concepts", () => {
    for (const r of Object.values(reports)) {
      const latents = r.methods.flatMap((m) => [
        ...(m.iterations ?? []).flatMap((it) => it.latents),
        ...(m.vectors ?? []).flatMap((v) => v.latents),
      ]);
      expect(latents.some((l) => l.explanation !== undefined)).toBe(true);
      expect(latents.every((l) => l.concept === undefined)).toBe(true);
      expect(r.candidates.some((c) => c.synsets !== undefined)).toBe(true);
    }
  });

  it("names fruit for fruit-refusal", () => {
    const r = reports["fruit-refusal"]!;
    expect(r.verdict.mode).toBe("single");
    expect(r.verdict.concepts).toHaveLength(1);
    expect(r.verdict.concepts[0]).toMatch(/fruit/);
    expect(mostlyOf(r, r.verdict.concepts[0]!)).toBe("fruit");
  });

  it("names fruit AND snow sports for snow-fruit", () => {
    const r = reports["snow-fruit"]!;
    expect(r.verdict.mode).toBe("all");
    expect(r.verdict.concepts.map((c) => mostlyOf(r, c)).sort()).toEqual(["fruit", "snow-sports"]);
    expect(r.verdict.concepts.join(" ")).toMatch(/fruit/);
    expect(r.verdict.concepts.join(" ")).toMatch(/snow sports/);
  });
});
