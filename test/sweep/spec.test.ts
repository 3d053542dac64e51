/**
 * Sweep files: YAML and JSON give the same sweep; unknown keys and bad values are errors that name
 * the file and the field; cells are the full product with keys that depend on content only.
 */
import { describe, expect, it } from "vitest";
import { checkOrganisms, expandCells, sweptParameters } from "../../src/sweep/cells.js";
import { checkCells } from "../../src/sweep/job.js";
import { readSweepSpec, SweepSpecError, validateSweepSpec } from "../../src/sweep/spec.js";
import { sweepFile, TINY_SWEEP } from "./fixtures.js";

const base = {
  organisms: ["fruit-refusal", "snow-fruit"],
  methods: {
    "supervised-sae-melbo": { steps: 3, lambdaScale: [0.1, 0.3] },
    "supervised-melbo": { lambda: [0.01, 0.1, 1] },
  },
  grid: { layer: [1, 2] },
  seeds: [1, 2],
};

function errorOf(doc: unknown): SweepSpecError {
  try {
    validateSweepSpec(doc, "grid.yaml");
  } catch (e) {
    if (e instanceof SweepSpecError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("sweep files", () => {
  it("reads YAML and JSON into the same sweep", () => {
    const yaml = readSweepSpec(sweepFile(TINY_SWEEP));
    const json = readSweepSpec(sweepFile(JSON.stringify(yaml), "sweep.json"));
    expect(json).toEqual(yaml);
    expect(yaml.grid.layer).toEqual([1, 2, 3]);
  });

  it("rejects unknown keys naming the file and the field", () => {
    const top = errorOf({ ...base, sedes: [1] });
    expect(top.message).toMatch(/^grid\.yaml: sedes: unknown key/);
    const setting = errorOf({ ...base, methods: { "supervised-melbo": { lamda: 1 } } });
    expect(setting.field).toBe("methods.supervised-melbo.lamda");
    expect(setting.message).toContain("known: steps, lr, lambda, vectors");
    expect(errorOf({ ...base, methods: { "sae-attrib": {} } }).field).toBe("methods.sae-attrib");
    const wrong = errorOf({ ...base, methods: { "supervised-melbo": { steps: [10, 2.5] } } });
    expect(wrong.field).toBe("methods.supervised-melbo.steps[1]");
    expect(wrong.message).toContain("must be an integer ≥ 1");
    expect(errorOf({ ...base, methods: { melbo: { R: "auto" } } }).field).toBe("methods.melbo.R");
    expect(errorOf({ ...base, grid: { layers: [1] } }).field).toBe("grid.layers");
    const model = { name: "m", dir: "d", sae: "s", response: "r", prompts: "p", trigger: ["x"] };
    expect(errorOf({ ...base, models: [{ ...model, triger: ["x"] }] }).field).toBe(
      "models[0].triger",
    );
  });

  it("rejects bad values: empty or repeated lists, non-integer layers, missing seeds", () => {
    expect(errorOf({ ...base, grid: { layer: [] } }).field).toBe("grid.layer");
    expect(errorOf({ ...base, grid: { layer: [1, 1] } }).message).toContain("duplicates");
    expect(errorOf({ ...base, grid: { layer: [1, 1.5] } }).field).toBe("grid.layer[1]");
    expect(errorOf({ ...base, seeds: undefined }).field).toBe("seeds");
    expect(errorOf({ ...base, organisms: [] }).field).toBe("organisms");
    expect(errorOf({ ...base, methods: { melbo: { steps: [] } } }).field).toBe(
      "methods.melbo.steps",
    );
  });

  it("rejects organisms that are not backdoored zoo organisms", () => {
    const spec = validateSweepSpec({ ...base, organisms: ["fruit-refusal", "base"] }, "g.yaml");
    expect(() => checkOrganisms(spec, "g.yaml")).toThrow(
      /g\.yaml: organisms\[1\]: 'base' is a base/,
    );
    const unknown = validateSweepSpec({ ...base, organisms: ["nope"] }, "g.yaml");
    expect(() => checkOrganisms(unknown, "g.yaml")).toThrow(/unknown organism 'nope'/);
  });

  it("expands to targets × each method's settings × grid × seeds", () => {
    const cells = expandCells(validateSweepSpec(base, "g.yaml"));
    const perTarget = (2 + 3) * 2 * 2; // (λ values of each method) × layers × seeds
    expect(cells).toHaveLength(2 * perTarget);
    expect(new Set(cells.map((c) => c.key)).size).toBe(cells.length);
    const swept = sweptParameters(cells);
    expect(swept.get("layer")).toEqual([1, 2]);
    expect(swept.has("steps")).toBe(false);
  });

  it("keys a cell by its content: same content, same key, in any sweep or key order", () => {
    const a = expandCells(validateSweepSpec(base, "a.yaml"));
    const reordered = {
      seeds: [2, 1],
      grid: { layer: [2, 1] },
      methods: { "supervised-melbo": base.methods["supervised-melbo"] },
      organisms: ["snow-fruit"],
    };
    const b = expandCells(validateSweepSpec(reordered, "b.yaml"));
    const keysA = new Set(a.map((c) => c.key));
    expect(b.every((c) => keysA.has(c.key))).toBe(true);
    const other = expandCells(validateSweepSpec({ ...reordered, seeds: [3] }, "c.yaml"));
    expect(other.some((c) => keysA.has(c.key))).toBe(false);
  });
});

describe("checks before any cell runs", () => {
  it("names the sweep file and grid.layer for a layer the model lacks", () => {
    const spec = validateSweepSpec({ ...base, grid: { layer: [2, 9] } }, "g.yaml");
    expect(() => checkCells(expandCells(spec), "g.yaml")).toThrow(
      /^g\.yaml: grid\.layer: fruit-refusal: layer 9 is out of range \[0, \d+\)/,
    );
  });
});
