/**
 * The method registry's settings parsers: no overrides give the typed defaults (a copy, in the
 * defaults' key order, which the audit's fingerprint and report record); overrides replace single
 * keys; an unknown key, a value of the wrong type or out of range, and a non-object are each a
 * MethodSettingsError naming the method and the key; the SAE-MELBO methods take `lambda` in place
 * of `lambdaScale` and pass exactly one of them to the optimiser.
 */
import { describe, expect, it } from "vitest";
import { l1Weight } from "../../../src/methods/registry/context.js";
import {
  METHOD_NAMES,
  METHODS,
  MethodSettingsError,
  parseMethodSettings,
} from "../../../src/methods/registry/index.js";

function errorOf(f: () => unknown): MethodSettingsError {
  try {
    f();
  } catch (e) {
    if (e instanceof MethodSettingsError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("method settings", () => {
  it("gives every method's defaults, as a copy, when nothing is overridden", () => {
    for (const m of METHOD_NAMES) {
      const s = METHODS[m].parse(undefined);
      expect(s).toEqual(METHODS[m].defaults);
      expect(s).not.toBe(METHODS[m].defaults);
      expect(METHODS[m].name).toBe(m);
    }
    expect(parseMethodSettings("supervised-sae-melbo", {})).toEqual({
      steps: 30,
      lr: 300,
      lambdaScale: 0.3,
      vectors: 1,
      initScale: 1e-3,
      tol: 1e-4,
    });
    expect(parseMethodSettings("melbo", undefined).R).toBe("calibrate");
  });

  it("replaces only the overridden keys and keeps the defaults' key order", () => {
    const s = parseMethodSettings("supervised-sae-melbo", { vectors: 2, steps: 25, lambda: 0.1 });
    expect(Object.keys(s)).toEqual([
      "steps",
      "lr",
      "lambdaScale",
      "vectors",
      "initScale",
      "tol",
      "lambda",
    ]);
    expect(s).toMatchObject({ steps: 25, vectors: 2, lambda: 0.1, lambdaScale: 0.3 });
    expect(parseMethodSettings("sae-melbo", { R: 4 }).R).toBe(4);
    expect(parseMethodSettings("weight-diff", { candidateSide: "write" }).candidateSide).toBe(
      "write",
    );
  });

  it("refuses an unknown key, naming the method, the key and the known ones", () => {
    const e = errorOf(() => parseMethodSettings("supervised-melbo", { lamda: 1 }));
    expect(e.method).toBe("supervised-melbo");
    expect(e.key).toBe("lamda");
    expect(e.message).toContain("known: steps, lr, lambda, vectors");
    // lambda is a setting of the SAE-MELBO methods only, not of unsupervised MELBO.
    expect(errorOf(() => parseMethodSettings("melbo", { lambda: 0.1 })).key).toBe("lambda");
    expect(errorOf(() => parseMethodSettings("sae-attribution", { steps: 3 })).key).toBe("steps");
  });

  it("refuses values of the wrong type or out of range, naming the key", () => {
    const cases: [Parameters<typeof parseMethodSettings>[0], Record<string, unknown>, RegExp][] = [
      ["supervised-sae-melbo", { steps: "30" }, /'steps' must be an integer ≥ 1, got 30/],
      ["supervised-sae-melbo", { steps: 2.5 }, /'steps' must be an integer/],
      ["supervised-melbo", { lr: 0 }, /'lr' must be a number > 0/],
      ["supervised-melbo", { lambda: Number.NaN }, /'lambda' must be a finite number ≥ 0/],
      ["sae-melbo", { R: "auto" }, /'R' must be a number > 0 or "calibrate"/],
      ["melbo", { R: -1 }, /'R'/],
      ["melbo", { targetLayerOffset: 0 }, /'targetLayerOffset' must be an integer ≥ 1/],
      ["sae-attribution", { iterations: true }, /'iterations'/],
      ["weight-diff", { foldNorm: "yes" }, /'foldNorm' must be true or false/],
      ["weight-diff", { candidateSide: "both" }, /'candidateSide' must be one of read, write/],
      ["weight-diff", { promptDirections: -1 }, /'promptDirections' must be an integer ≥ 0/],
    ];
    for (const [method, input, message] of cases) {
      const e = errorOf(() => parseMethodSettings(method, input));
      expect(e.method).toBe(method);
      expect(e.key).toBe(Object.keys(input)[0]);
      expect(e.message).toMatch(message);
    }
  });

  it("refuses settings that are not an object", () => {
    for (const input of [3, "steps", [1]]) {
      const e = errorOf(() => parseMethodSettings("melbo", input));
      expect(e.key).toBe("");
      expect(e.message).toBe("melbo: settings must be an object");
    }
  });

  it("passes λ or lambdaScale to the SAE-MELBO optimisers, never both and never NaN", () => {
    const relative = parseMethodSettings("supervised-sae-melbo", {});
    expect(l1Weight(relative)).toEqual({ lambdaScale: 0.3 });
    const absolute = parseMethodSettings("sae-melbo", { lambda: 0.05 });
    expect(l1Weight(absolute)).toEqual({ lambda: 0.05 });
  });

  it("lists each method's kind and settings keys", () => {
    expect(METHOD_NAMES.filter((m) => METHODS[m].kind === "unsupervised")).toEqual([
      "sae-melbo",
      "melbo",
    ]);
    expect(METHODS["supervised-melbo"].keys).toEqual(["steps", "lr", "lambda", "vectors"]);
  });
});
