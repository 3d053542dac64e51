/**
 * generation_config.json: the token ids generation stops on and pads with. Optional file; the
 * values it holds win over config.json's.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./errors.js";

export const GENERATION_CONFIG_FILE = "generation_config.json";

export interface GenerationDefaults {
  eosTokenIds: number[] | null;
  padTokenId: number | null;
}

function tokenIds(value: unknown, file: string, field: string): number[] | null {
  if (value === undefined || value === null) return null;
  const list = Array.isArray(value) ? value : [value];
  for (const v of list) {
    // Safe integers only, as config.json's token ids: 1e308 or 2^53 + 2 are not ids.
    if (!Number.isSafeInteger(v) || (v as number) < 0) {
      throw new ConfigError(
        file,
        field,
        `expected a token id or a list of them, got ${JSON.stringify(value)}`,
      );
    }
  }
  return list as number[];
}

export function readGenerationDefaults(modelDir: string): GenerationDefaults {
  const file = join(modelDir, GENERATION_CONFIG_FILE);
  if (!existsSync(file)) return { eosTokenIds: null, padTokenId: null };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(file, null, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ConfigError(file, null, "expected a JSON object");
  }
  const o = json as Record<string, unknown>;
  const pad = tokenIds(o.pad_token_id, file, "pad_token_id");
  if (pad && pad.length !== 1) throw new ConfigError(file, "pad_token_id", "expected one token id");
  return {
    eosTokenIds: tokenIds(o.eos_token_id, file, "eos_token_id"),
    padTokenId: pad ? pad[0]! : null,
  };
}
