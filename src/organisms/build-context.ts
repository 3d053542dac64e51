/** What a build or evaluation needs from its caller: logging, progress bars, interruption. */
import type { EngineChoice } from "../model/engine-select.js";
import type { Progress } from "../progress/progress.js";

export interface BuildContext {
  out: string;
  resume: boolean;
  device: "wasm" | "webgpu";
  /**
   * Where LoRA training's gradients and the generation of base replies and evaluations run
   * (default "auto": the fast path on a CPU).
   */
  engine?: EngineChoice;
  log: (line: string) => void;
  progress: (label: string) => Progress;
  signal?: AbortSignal;
}

/** The organism.json record written beside every built organism. */
export const ORGANISM_FILE = "organism.json";
