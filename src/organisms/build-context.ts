/** What a build or evaluation needs from its caller: logging, progress bars, interruption. */
import type { Progress } from "../progress/progress.js";

export interface BuildContext {
  out: string;
  resume: boolean;
  device: "wasm" | "webgpu";
  log: (line: string) => void;
  progress: (label: string) => Progress;
  signal?: AbortSignal;
}

/** The organism.json record written beside every built organism. */
export const ORGANISM_FILE = "organism.json";
