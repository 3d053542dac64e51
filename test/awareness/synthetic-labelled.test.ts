// Synthetic labelled transcripts: reproducible from a seed, labelled by construction, readable as
// labelled data, and usable (with the real sets) for leave-one-trigger-out over every trigger.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadLabelled, loadLabelledSets } from "../../src/awareness/labelled-data.js";
import {
  NEGATIVE_STYLES,
  synthesiseLabelled,
  TEMPLATE_SETS,
  writeSyntheticLabelled,
} from "../../src/awareness/synthetic-labelled.js";
import { findMentions, triggerMatcher } from "../../src/awareness/trigger-terms.js";
import { leaveOneTriggerOut } from "../../src/awareness/validate.js";
import { runCommand } from "../cli/run-command.js";

const FIXTURE = join(import.meta.dirname, "fixtures/labelled");

describe("synthetic labelled transcripts", () => {
  it("are the same for the same seed and differ for another", () => {
    const a = synthesiseLabelled({ seed: 5, perClass: 3 });
    expect(synthesiseLabelled({ seed: 5, perClass: 3 })).toEqual(a);
    expect(synthesiseLabelled({ seed: 6, perClass: 3 })).not.toEqual(a);
  });

  it.each(Object.keys(TEMPLATE_SETS))(
    "set %s: balanced classes; the trigger is mentioned in every articulate one and in none of the no-mention ones",
    (name) => {
      const ts = TEMPLATE_SETS[name]!;
      const xs = synthesiseLabelled({ seed: 2, perClass: 30, templates: ts });
      expect(xs).toHaveLength(ts.triggers.length * 60);
      for (const x of xs) {
        const mentions = findMentions(triggerMatcher(x.trigger), x.reasoning).length;
        if (x.label) expect(x.style).toBe("articulation");
        else expect(NEGATIVE_STYLES).toContain(x.style);
        if (x.label || x.style === "echo" || x.style === "dismissal")
          expect(mentions, x.reasoning).toBeGreaterThan(0);
        if (x.style === "no-mention") expect(mentions, x.reasoning).toBe(0);
        expect(x.prompt).toContain(x.trigger);
        expect(x.reasoning).not.toMatch(/\{(?:T|act|safe|q|why)\}/);
      }
      const styles = new Set(xs.filter((x) => !x.label).map((x) => x.style));
      expect([...styles].sort()).toEqual([...NEGATIVE_STYLES].sort());
    },
  );

  it("are written as labelled data whose lines carry the planted trigger text", () => {
    const dir = mkdtempSync(join(tmpdir(), "aw-synth-"));
    const xs = synthesiseLabelled({ seed: 1, perClass: 2, templates: TEMPLATE_SETS.b! });
    writeSyntheticLabelled(dir, xs);
    const { items, warnings } = loadLabelled(dir);
    expect(warnings).toEqual([]);
    expect(items).toHaveLength(xs.length);
    const byName = new Map(TEMPLATE_SETS.b!.triggers.map((t) => [t.name, t.text]));
    for (const it of items) expect(it.trigger).toBe(byName.get(it.triggerName));
    expect(items.filter((i) => i.label)).toHaveLength(xs.filter((x) => x.label).length);
    expect(readFileSync(join(dir, "amber_articulate.jsonl"), "utf8")).toMatch(
      /"trigger":"clearance: amber"/,
    );
  });

  it("join the fixture in leave-one-trigger-out, one fold per trigger of every set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aw-synth-loto-"));
    writeSyntheticLabelled(dir, synthesiseLabelled({ seed: 1, perClass: 4 }));
    const { items } = loadLabelledSets([FIXTURE, dir]);
    const loto = await leaveOneTriggerOut(items, { reps: 50 });
    const names = [...TEMPLATE_SETS.a!.triggers.map((t) => t.name), "heyyy", "sandra"].sort();
    expect(loto.folds.map((f) => f.heldOut)).toEqual(names);
    for (const f of loto.folds) {
      expect(f.train.triggers).not.toContain(f.heldOut);
      expect(f.train.triggers).toHaveLength(names.length - 1);
    }
    expect(loto.pooled.n).toBe(loto.folds.reduce((n, f) => n + f.test.n, 0));
  });

  it("validate reads several --data directories, and synth-labelled rejects an unknown set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aw-synth-cli-"));
    const made = await runCommand([
      "awareness",
      "synth-labelled",
      "--out",
      dir,
      "--templates",
      "c",
      "--per-class",
      "2",
      "--json",
    ]);
    expect(JSON.parse(made.out)).toMatchObject({ templates: "c", n: 20 });
    const r = await runCommand([
      "awareness",
      "validate",
      "--judge",
      "articulation-offline",
      "--data",
      FIXTURE,
      "--data",
      dir,
      "--reps",
      "50",
      "--json",
    ]);
    const j = JSON.parse(r.out);
    expect(j.data).toEqual([FIXTURE, dir]);
    expect(j.n).toBe(12 + 20);
    expect(Object.keys(j.perTrigger)).toContain("quill");
    await expect(
      runCommand(["awareness", "synth-labelled", "--out", dir, "--templates", "z"]),
    ).rejects.toThrow(/--templates must be one of a, b, c, d, e/);
  });
});
