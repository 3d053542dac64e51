/**
 * One registered method: its name, kind, typed defaults, the parser that checks overrides against
 * them, and its run. The audit loops over these entries instead of comparing method names.
 */
import type { MethodContext, MethodResult } from "./context.js";
import type { MethodKind, MethodName } from "./names.js";
import { parseSettings, type SettingFields } from "./settings.js";

export interface MethodEntry<N extends MethodName = MethodName, S extends object = object> {
  name: N;
  kind: MethodKind;
  /** The settings it takes, in the order errors list them. */
  keys: readonly string[];
  /** The settings a run uses when none are given (recorded in the report). */
  defaults: Readonly<S>;
  /** The defaults with `input`'s overrides checked; throws MethodSettingsError by key. */
  parse(input: unknown): S;
  run(ctx: MethodContext, settings: S): Promise<MethodResult>;
}

/** An entry whose parser checks `fields` (listed in the order errors name them). */
export function methodEntry<N extends MethodName, S extends object>(e: {
  name: N;
  kind: MethodKind;
  fields: SettingFields<S>;
  defaults: S;
  run(ctx: MethodContext, settings: S): Promise<MethodResult>;
}): MethodEntry<N, S> {
  return {
    name: e.name,
    kind: e.kind,
    keys: Object.keys(e.fields),
    defaults: e.defaults,
    parse: (input) => parseSettings(e.name, e.fields, e.defaults, input),
    run: e.run,
  };
}
