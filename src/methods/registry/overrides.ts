/**
 * Method settings given as text, `METHOD.KEY=VALUE` (the audit's `--set`, repeatable): parsed
 * into per-method override objects that each method's own parser then checks (unknown key or
 * wrong type: MethodSettingsError). VALUE reads as a number when it is one, `true`/`false` as a
 * boolean, anything else as a word ("calibrate", a target name).
 */
import { isMethodName, METHOD_NAMES, type MethodName } from "./names.js";
import { MethodSettingsError } from "./settings.js";

export type SettingOverrides = Partial<
  Record<MethodName, Record<string, number | string | boolean>>
>;

function valueOf(text: string): number | string | boolean {
  if (text === "true") return true;
  if (text === "false") return false;
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) ? n : text;
}

/** `["supervised-sae-melbo.steps=10", …]` → `{ "supervised-sae-melbo": { steps: 10 } }`. */
export function parseSettingOverrides(items: readonly string[]): SettingOverrides {
  const out: SettingOverrides = {};
  for (const item of items) {
    const m = /^([^.=\s]+)\.([^=\s]+)=(.*)$/.exec(item);
    if (!m) throw new MethodSettingsError(item, "", "must be written METHOD.KEY=VALUE");
    const [method, key, value] = [m[1]!, m[2]!, m[3]!];
    if (!isMethodName(method))
      throw new MethodSettingsError(
        method,
        key,
        `names no method (known: ${METHOD_NAMES.join(", ")})`,
      );
    (out[method] ??= {})[key] = valueOf(value);
  }
  return out;
}
