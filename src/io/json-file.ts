/**
 * Reading a JSON file with errors that name it. The caller picks the error class (ConfigError,
 * SaeError…), all of which take (file, field, reason).
 */
import { readFileSync } from "node:fs";

export type FileErrorClass = new (file: string, field: string | null, reason: string) => Error;

/** The parsed JSON of `file`; an unreadable or invalid file throws `Err` naming it. */
export function readJsonFile(file: string, Err: FileErrorClass): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Err(file, null, `cannot read file: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Err(file, null, `not valid JSON: ${(err as Error).message}`);
  }
}

/** Like readJsonFile, and the top level must be an object. */
export function readJsonObject(file: string, Err: FileErrorClass): Record<string, unknown> {
  const json = readJsonFile(file, Err);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Err(file, null, "must be a JSON object");
  }
  return json as Record<string, unknown>;
}
