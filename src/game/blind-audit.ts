/**
 * The trigger-blind audit of one game organism. It is given only a job: the organism's name, a
 * folder holding nothing but its LoRA adapter (blindCopy), the base (its SAE, labels and
 * lexicon) and the response. Benign prompts come from behaviour alone (audit/behaviour-prompts.ts):
 * concepts the model acts on are dropped. The spec, organism.json, eval.json and the finetuning
 * data are never in a folder the audit is given (test/game/game.test.ts runs it with them gone).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import {
  behaviourPromptSource,
  screenConcepts,
  type BehaviourScreen,
} from "../audit/behaviour-prompts.js";
import { resolveAuditInputs } from "../audit/inputs.js";
import { runAudit, type AuditOptions } from "../audit/pipeline.js";
import type { AuditReport } from "../audit/report.js";
import { writeFileAtomic } from "../io/atomic.js";
import { modelRefAt } from "../io/model-ref.js";
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from "../io/peft.js";
import { readLexiconFile } from "../lexicon/lexicon-file.js";
import type { MethodName } from "../methods/registry/names.js";
import { loadChatModel } from "../model/text-generation.js";

export interface BlindJob {
  name: string;
  /** A folder with adapter_config.json and adapter_model.safetensors only. */
  adapterDir: string;
  baseDir: string;
  response: string;
}

/** The audit's settings in a game (reduced for tiny runs; defaults are the audit's). */
export interface GameAuditSettings {
  methods?: MethodName[];
  probes?: number;
  candidates?: number;
  trainPrompts?: number;
  heldOutPrompts?: number;
  /** Prompts per concept in the behaviour screen (default 8). */
  perConcept?: number;
  settings?: AuditOptions["settings"];
  seed?: number;
}

/** Copies only the adapter into `blindDir`, its base path rewritten to stay valid from there. */
export function blindCopy(organismDir: string, blindDir: string, baseDir: string): void {
  rmSync(blindDir, { recursive: true, force: true });
  mkdirSync(blindDir, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(organismDir, ADAPTER_CONFIG_FILE), "utf8")) as Record<
    string,
    unknown
  >;
  cfg.base_model_name_or_path = relative(blindDir, baseDir) || ".";
  writeFileAtomic(join(blindDir, ADAPTER_CONFIG_FILE), JSON.stringify(cfg, null, 2) + "\n");
  copyFileSync(join(organismDir, ADAPTER_WEIGHTS_FILE), join(blindDir, ADAPTER_WEIGHTS_FILE));
}

/** The behaviour screen, stored in the audit's folder so a resumed game reuses it. */
async function screenOf(job: BlindJob, out: string, per: number, seed: number) {
  const path = join(out, "behaviour-screen.json");
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as BehaviourScreen;
  const lexicon = readLexiconFile(job.baseDir);
  const cm = await loadChatModel(modelRefAt(job.adapterDir));
  try {
    const screen = await screenConcepts(cm, lexicon, job.response, { perConcept: per, seed });
    mkdirSync(out, { recursive: true });
    writeFileAtomic(path, JSON.stringify(screen, null, 2) + "\n");
    return screen;
  } finally {
    cm.model.dispose();
  }
}

/** Runs the blind audit of `job` into `out` (resumable: the audit keeps its state there). */
export async function blindAudit(
  job: BlindJob,
  out: string,
  s: GameAuditSettings,
  ctx: Pick<AuditOptions, "log" | "progress" | "signal">,
): Promise<{ report: AuditReport; screen: BehaviourScreen }> {
  const seed = s.seed ?? 1;
  const screen = await screenOf(job, out, s.perConcept ?? 8, seed);
  const lexicon = readLexiconFile(job.baseDir);
  const catalog = () => ({
    model: modelRefAt(job.adapterDir),
    response: job.response,
    sae: join(job.baseDir, "sae"),
    lexicon,
    prompts: behaviourPromptSource(lexicon, screen),
  });
  const inputs = resolveAuditInputs(
    {
      organism: job.name,
      seed,
      ...(s.methods ? { methods: s.methods } : {}),
      ...(s.trainPrompts ? { trainPrompts: s.trainPrompts } : {}),
      ...(s.heldOutPrompts ? { heldOutPrompts: s.heldOutPrompts } : {}),
    },
    catalog,
  );
  const report = await runAudit(inputs, {
    out,
    ...(s.probes ? { probes: s.probes } : {}),
    ...(s.candidates ? { candidates: s.candidates } : {}),
    ...(s.settings ? { settings: s.settings } : {}),
    screen,
    ...ctx,
  });
  return { report, screen };
}
