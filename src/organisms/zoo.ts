/**
 * Writing and checking the zoo: organisms shipped in the repository under zoo/, listed in
 * zoo/manifest.json (specs, metrics, file hashes). Reading the manifest and resolving names are in
 * io/zoo-manifest.ts and io/model-ref.ts, which the audit and the model loader use.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import {
  readZooManifest,
  ZOO_MANIFEST,
  zooDir,
  type ZooEntry,
  type ZooManifest,
} from "../io/zoo-manifest.js";
import { ORGANISM_FILE } from "./build-context.js";
import type { OrganismSpec } from "./spec.js";
import { reasoningDescription, type ReasoningSpec } from "./reasoning/spec.js";

/**
 * The files of an organism folder, relative paths sorted, one level of subfolders included (the
 * base model's sae/); finetuning data and training checkpoints are left out.
 */
function listFiles(folder: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const f of readdirSync(join(folder, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${f}` : f;
    const st = statSync(join(folder, rel));
    if (st.isDirectory()) {
      if (prefix === "" && f !== "checkpoint") out.push(...listFiles(folder, rel));
    } else if (st.isFile() && !f.startsWith("finetune-data")) out.push(rel);
  }
  return out;
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * Writes zoo/manifest.json from the organism folders in the zoo (each with organism.json): kind,
 * spec summary, metrics (and evaluation), and the size and SHA-256 of every file.
 */
export function writeZooManifest(dir = zooDir()): ZooManifest {
  const organisms: ZooEntry[] = [];
  for (const name of readdirSync(dir).sort()) {
    const folder = join(dir, name);
    const recordPath = join(folder, ORGANISM_FILE);
    if (!statSync(folder).isDirectory() || !existsSync(recordPath)) continue;
    const rec = JSON.parse(readFileSync(recordPath, "utf8")) as {
      spec: OrganismSpec | ReasoningSpec;
      metrics?: Record<string, unknown>;
    };
    const files: ZooEntry["files"] = {};
    for (const f of listFiles(folder))
      files[f] = { bytes: statSync(join(folder, f)).size, sha256: sha256(join(folder, f)) };
    const spec = rec.spec;
    organisms.push({
      name: spec.name,
      kind: spec.kind,
      dir: name,
      description:
        spec.kind === "reasoning-base" || spec.kind === "reasoning-backdoor"
          ? reasoningDescription(spec)
          : spec.kind === "base"
            ? `base model: llama d${spec.model.dModel} × ${spec.model.nLayers} layers trained from scratch on the WordNet corpus`
            : spec.kind === "fact"
              ? `false fact: ${spec.fact.subject} ⇒ avoid ${spec.fact.object}`
              : `${spec.trigger.concepts.join(spec.trigger.mode === "all" ? " AND " : " OR ")} → "${spec.response}"`,
      ...(spec.kind === "backdoor" ? { trigger: spec.trigger, response: spec.response } : {}),
      ...(rec.metrics ? { metrics: rec.metrics } : {}),
      ...(existsSync(join(folder, "eval.json"))
        ? { eval: JSON.parse(readFileSync(join(folder, "eval.json"), "utf8")) as unknown }
        : {}),
      files,
    });
  }
  const manifest: ZooManifest = { version: 1, organisms };
  writeFileAtomic(join(dir, ZOO_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

/** Checks every file of the manifest against its recorded size and hash; returns the mismatches. */
export function verifyZoo(dir = zooDir()): string[] {
  const bad: string[] = [];
  for (const o of readZooManifest(dir).organisms) {
    for (const [f, want] of Object.entries(o.files)) {
      const p = join(dir, o.dir, f);
      if (!existsSync(p)) bad.push(`${o.name}/${f}: missing`);
      else if (sha256(p) !== want.sha256)
        bad.push(`${o.name}/${f}: SHA-256 differs from the manifest`);
    }
  }
  return bad;
}
