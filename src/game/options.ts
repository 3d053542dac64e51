/** The options of a game (game.ts), shared with the per-organism plays (play.ts). */
import type { BuildContext } from "../organisms/build-context.js";
import type { GameAuditSettings } from "./blind-audit.js";
import type { PoolResult } from "./pool.js";

export type GameStage = "build" | "audit" | "all";

export interface GameOptions {
  n: number;
  seed: number;
  out: string;
  /** The base organism (zoo name or folder) with sae/ and lexicon.json. */
  base: string;
  /** Spec fields over the game's default template (template.ts). */
  template?: Record<string, unknown>;
  audit?: GameAuditSettings;
  build: Omit<BuildContext, "out" | "resume">;
  signal?: AbortSignal;
  /** Which stage to run (default all). */
  stage?: GameStage;
  /** Play only this organism (a child process's part of the game); no table is written. */
  only?: string;
  /**
   * Builds the named organisms elsewhere, several at once (the CLI runs child processes with
   * `only` and stage build, stopped at its deadline); the pool's result says which finished.
   */
  buildElsewhere?: (names: string[]) => Promise<PoolResult>;
  /**
   * Audits one organism elsewhere (the CLI runs a child process with `only` and stage audit), so
   * each audit gets a fresh engine: the wasm heap (4 GiB) does not survive a whole game.
   */
  isolate?: (name: string) => Promise<void>;
}
