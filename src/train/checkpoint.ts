/**
 * Training checkpoints: one safetensors file per checkpoint with the trainable parameters and
 * both Adam moments ("params/…", "m/…", "v/…"), then state.json naming it. Both are written
 * atomically and state.json last, so an interruption at any moment leaves the previous complete
 * checkpoint; older tensor files are removed only after the new state is in place.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { np } from "../engine/jax.js";
import { writeFileAtomic } from "../io/atomic.js";
import { readSafetensors, tensorToFloat32, writeSafetensors } from "../io/safetensors.js";
import { namedLeaves, rebuildTree } from "./named-tree.js";

export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "CheckpointError";
  }
}

export const STATE_FILE = "state.json";

export interface CheckpointTrees<T> {
  params: T;
  m: T;
  v: T;
}

/** What state.json holds besides the tensor file's name. */
export interface CheckpointState {
  step: number;
  /** Identifies the run (options, data); resuming a different run is refused. */
  fingerprint: string;
  [key: string]: unknown;
}

/** Writes the trees (not consumed) and the state. */
export async function saveCheckpoint<T extends object>(
  dir: string,
  trees: CheckpointTrees<T>,
  state: CheckpointState,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const file = `step-${String(state.step).padStart(7, "0")}.safetensors`;
  const tensors: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  for (const [group, t] of Object.entries(trees) as [string, T][]) {
    for (const [name, x] of namedLeaves(t)) {
      const data = Float32Array.from((await x.ref.data()) as Float32Array);
      tensors[`${group}/${name}`] = { dtype: "F32", shape: [...x.shape], data };
    }
  }
  writeSafetensors(join(dir, file), tensors);
  writeFileAtomic(join(dir, STATE_FILE), JSON.stringify({ ...state, file }, null, 1) + "\n");
  for (const f of readdirSync(dir)) {
    if (f.startsWith("step-") && f.endsWith(".safetensors") && f !== file) rmSync(join(dir, f));
  }
}

/** The saved state, or null when the directory has no checkpoint. */
export function readCheckpointState(dir: string): (CheckpointState & { file: string }) | null {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new CheckpointError(path, `not valid JSON (${(e as Error).message})`);
  }
  const s = parsed as Record<string, unknown>;
  if (typeof s.step !== "number" || !Number.isInteger(s.step) || s.step < 0) {
    throw new CheckpointError(path, "field 'step' must be a non-negative integer");
  }
  if (typeof s.file !== "string" || !/^step-\d+\.safetensors$/.test(s.file)) {
    throw new CheckpointError(path, "field 'file' must name a step-N.safetensors file");
  }
  if (typeof s.fingerprint !== "string") {
    throw new CheckpointError(path, "field 'fingerprint' must be a string");
  }
  return s as CheckpointState & { file: string };
}

/** Restores trees shaped like `template` from the checkpoint named by state.json. */
export function loadCheckpointTrees<T extends object>(
  dir: string,
  file: string,
  template: T,
): CheckpointTrees<T> {
  const path = join(dir, file);
  const st = readSafetensors(path);
  const used = new Set<string>();
  const restore = (group: string) =>
    rebuildTree(template, (name, like) => {
      const key = `${group}/${name}`;
      const t = st.tensors.get(key);
      if (!t) throw new CheckpointError(path, `tensor '${key}' is missing`);
      if (t.shape.join(",") !== like.shape.join(",")) {
        throw new CheckpointError(
          path,
          `tensor '${key}' has shape [${t.shape}], expected [${like.shape}]`,
        );
      }
      used.add(key);
      return np.array(tensorToFloat32(t, path)).reshape(like.shape);
    });
  const trees = { params: restore("params"), m: restore("m"), v: restore("v") };
  const extra = [...st.tensors.keys()].filter((k) => !used.has(k));
  if (extra.length > 0) {
    throw new CheckpointError(path, `unexpected tensors: ${extra.slice(0, 5).join(", ")}`);
  }
  return trees;
}
