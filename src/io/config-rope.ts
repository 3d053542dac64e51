/**
 * RoPE settings of an HF config: rope_theta / rope_scaling (transformers ≤ 4) or rope_parameters
 * (transformers 5), with the scaling types trigscope implements (default, linear, llama3).
 */
import type { RopeScaling } from "./model-config.js";
import { type Fields, show } from "./config-fields.js";

/** rope_theta at the top level (transformers ≤ 4) or in rope_parameters (transformers 5). */
export function ropeTheta(r: Fields): number {
  const top = r.present("rope_theta") === undefined ? undefined : r.posNumber("rope_theta");
  const params = r.nested("rope_parameters");
  const inParams =
    params?.present("rope_theta") === undefined ? undefined : params.posNumber("rope_theta");
  if (top !== undefined && inParams !== undefined && top !== inParams) {
    r.fail("rope_theta", `${top} disagrees with rope_parameters.rope_theta (${inParams})`);
  }
  return inParams ?? top ?? 10000;
}

/** rope_scaling (transformers ≤ 4) or the scaling part of rope_parameters (transformers 5). */
export function ropeScaling(r: Fields): RopeScaling {
  const legacy = parseScaling(r.nested("rope_scaling"), true);
  const params = parseScaling(r.nested("rope_parameters"), false);
  if (legacy.type !== "default" && params.type !== "default") {
    if (JSON.stringify(legacy) !== JSON.stringify(params)) {
      r.fail("rope_scaling", "disagrees with rope_parameters");
    }
  }
  return legacy.type !== "default" ? legacy : params;
}

export function parseScaling(s: Fields | null, typeRequired: boolean): RopeScaling {
  if (s === null) return { type: "default" };
  const ropeType = s.present("rope_type");
  const legacyType = s.present("type");
  if (ropeType !== undefined && legacyType !== undefined && ropeType !== legacyType) {
    s.fail("type", `${show(legacyType)} disagrees with rope_type ${show(ropeType)}`);
  }
  const type = ropeType ?? legacyType;
  if (type === undefined) {
    if (typeRequired) s.fail("rope_type", "missing");
    return { type: "default" };
  }
  switch (type) {
    case "default":
      return { type: "default" };
    case "linear":
      return { type: "linear", factor: s.posNumber("factor") };
    case "llama3": {
      const lowFreqFactor = s.posNumber("low_freq_factor");
      const highFreqFactor = s.posNumber("high_freq_factor");
      if (!(highFreqFactor > lowFreqFactor)) {
        s.fail(
          "high_freq_factor",
          `${highFreqFactor} must exceed low_freq_factor (${lowFreqFactor})`,
        );
      }
      return {
        type: "llama3",
        factor: s.posNumber("factor"),
        lowFreqFactor,
        highFreqFactor,
        originalMaxPositions: s.posInt("original_max_position_embeddings"),
      };
    }
    default:
      return s.fail(
        ropeType !== undefined ? "rope_type" : "type",
        `RoPE type ${show(type)} is not supported (supported: default, linear, llama3)`,
      );
  }
}
