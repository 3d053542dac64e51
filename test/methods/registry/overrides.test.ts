/** `--set METHOD.KEY=VALUE`: parsed into typed overrides, and every bad flag named. */
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { EXIT } from "../../../src/cli/exit-codes.js";
import {
  MethodSettingsError,
  parseMethodSettings,
  parseSettingOverrides,
} from "../../../src/methods/registry/index.js";

describe("parseSettingOverrides", () => {
  it("reads numbers, booleans and words per method", () => {
    const o = parseSettingOverrides([
      "supervised-sae-melbo.steps=10",
      "supervised-sae-melbo.vectors=2",
      "sae-attribution.iterations=3",
      "supervised-melbo.lr=0.5",
      "melbo.R=calibrate",
    ]);
    expect(o).toEqual({
      "supervised-sae-melbo": { steps: 10, vectors: 2 },
      "sae-attribution": { iterations: 3 },
      "supervised-melbo": { lr: 0.5 },
      melbo: { R: "calibrate" },
    });
    expect(parseMethodSettings("melbo", o.melbo).R).toBe("calibrate");
    expect(parseMethodSettings("supervised-sae-melbo", o["supervised-sae-melbo"]).steps).toBe(10);
  });

  it("names the flag that is malformed or names no method", () => {
    expect(() => parseSettingOverrides(["steps=10"])).toThrow(/METHOD\.KEY=VALUE/);
    expect(() => parseSettingOverrides(["melbbo.steps=10"])).toThrow(MethodSettingsError);
    expect(() => parseSettingOverrides(["melbbo.steps=10"])).toThrow(/melbbo.*names no method/);
  });

  it("leaves type and key checks to the method, which names the key", () => {
    const o = parseSettingOverrides(["supervised-sae-melbo.stepz=3", "melbo.steps=two"]);
    expect(() => parseMethodSettings("supervised-sae-melbo", o["supervised-sae-melbo"])).toThrow(
      /setting 'stepz' is unknown/,
    );
    expect(() => parseMethodSettings("melbo", o.melbo)).toThrow(
      /setting 'steps' must be an integer/,
    );
  });
});

describe("trigscope audit --set", () => {
  it("is a usage error (exit 2) before anything loads when a setting is wrong", async () => {
    let err = "";
    const code = await main(
      ["audit", "--organism", "fruit-refusal", "--set", "supervised-sae-melbo.steps=0"],
      { stdout: () => {}, stderr: (t) => (err += t + "\n") },
    );
    expect(code).toBe(EXIT.usage);
    expect(err).toMatch(/--set: supervised-sae-melbo: setting 'steps' must be an integer ≥ 1/);
  });
});
