/**
 * The method registry: every audit method by name, with its kind, typed defaults, settings
 * parser and run (docs/architecture.md, "Adding a method"). The audit, sweep specs and the CLI
 * read methods and their settings only through it.
 */
import { saeAttributionEntry } from "./attribution.js";
import type { MethodEntry } from "./entry.js";
import type { MethodName } from "./names.js";
import { supervisedMelboEntry, supervisedSaeMelboEntry } from "./supervised.js";
import { melboEntry, saeMelboEntry } from "./unsupervised.js";
import { weightDiffEntry } from "./weight-diff.js";

export const METHODS = {
  "sae-attribution": saeAttributionEntry,
  "supervised-sae-melbo": supervisedSaeMelboEntry,
  "supervised-melbo": supervisedMelboEntry,
  "sae-melbo": saeMelboEntry,
  melbo: melboEntry,
  "weight-diff": weightDiffEntry,
} as const satisfies { [N in MethodName]: MethodEntry<N, object> };

/** A method's typed settings. */
export type SettingsOf<N extends MethodName> = ReturnType<(typeof METHODS)[N]["parse"]>;

/** A method's settings: its defaults with `overrides` checked (MethodSettingsError by key). */
export function parseMethodSettings<N extends MethodName>(
  method: N,
  overrides: unknown,
): SettingsOf<N> {
  return METHODS[method].parse(overrides) as SettingsOf<N>;
}

export { METHOD_NAMES, isMethodName, type MethodKind, type MethodName } from "./names.js";
export type { MethodEntry } from "./entry.js";
export { MethodSettingsError, type RecordedSettings, type SettingValue } from "./settings.js";
export type {
  AttributionPass,
  AttributionRanking,
  Mention,
  MethodContext,
  MethodResult,
  VectorRun,
} from "./context.js";
export type { WeightDiffRun, WeightDiffSettings } from "./weight-diff-run.js";
export { parseSettingOverrides, type SettingOverrides } from "./overrides.js";
