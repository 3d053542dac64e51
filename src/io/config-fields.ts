/**
 * The config parsers' view of config.json: JsonFields that throw ConfigError naming the file and
 * the (dotted) key.
 */
import { ConfigError } from "./errors.js";
import { JsonFields } from "./json-fields.js";

export { show } from "./json-fields.js";
export type Fields = JsonFields;

/** Typed access to a config object's keys, failing with ConfigError. */
export function configFields(obj: Record<string, unknown>, file: string): Fields {
  return new JsonFields(obj, file, ConfigError);
}
