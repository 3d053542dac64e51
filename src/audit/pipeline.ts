/**
 * The audit: the chosen methods on the benign prompts and the action, their latents read through
 * the SAE labels, each vector's steering success on held-out benign prompts, candidate concepts
 * from the top latents, probe prompts for each candidate and pair measured on the unsteered model,
 * and the verdict; report.json, report.html and one vectors file per method in the output folder.
 * Labels may be lexicon concepts or free-text explanations (explanations.ts maps the latter to
 * WordNet concepts whose words are focused on their latents).
 * Every finished stage is kept in audit-state.json, so an interrupted audit resumes where it
 * stopped. The methods see only the action and the benign prompts, never the trigger. Each stage
 * is in a file of its own (stage.ts lists them); this file runs them in order.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MethodRanking } from "../interpret/candidates.js";
import { METHODS } from "../methods/registry/index.js";
import { modelEngine } from "../model/engine-select.js";
import type { Progress } from "../progress/progress.js";
import { loadChatModel } from "../model/text-generation.js";
import { unitDecoderRows } from "../sae/fold.js";
import { buildReport, writeReport } from "./build-report.js";
import { candidateStage } from "./candidate-stage.js";
import type { AuditInputs } from "./inputs.js";
import { methodReport } from "./method-report.js";
import { runMethod } from "./method-run.js";
import { withStageMemory } from "./stage-memory.js";
import { probeStage } from "./probe-stage.js";
import type { AuditReport, ReportMethod } from "./report.js";
import { AuditState } from "./state.js";
import {
  DEFAULT_CANDIDATES,
  DEFAULT_PROBES,
  recordEngines,
  secondsSince,
  type AuditContext,
  type AuditOptions,
  type AuditSettings,
} from "./stage.js";

export { DEFAULT_CANDIDATES, type AuditOptions } from "./stage.js";

/** Each audited method's settings: its defaults with the options' overrides, checked. */
function auditSettings(inputs: AuditInputs, o: AuditOptions): AuditSettings {
  const settings: AuditSettings = {};
  for (const m of inputs.methods) settings[m] = METHODS[m].parse(o.settings?.[m]);
  return settings;
}

/** What a stored state must match to be resumed: the inputs and every setting. */
function fingerprint(inputs: AuditInputs, settings: AuditSettings, o: AuditOptions) {
  return JSON.stringify({
    model: inputs.modelDir,
    sae: inputs.saeDir,
    labels: inputs.labelsPath,
    response: inputs.response,
    train: inputs.trainPrompts,
    heldOut: inputs.heldOutPrompts,
    methods: inputs.methods,
    layer: inputs.layer,
    seed: inputs.seed,
    settings,
    probes: o.probes ?? DEFAULT_PROBES,
    candidates: o.candidates ?? DEFAULT_CANDIDATES,
  });
}

/** Every method's run (a resumable stage) and its report entry, in order. */
async function methodStages(a: AuditContext) {
  const methods: ReportMethod[] = [];
  const rankings: MethodRanking[] = [];
  mkdirSync(join(a.o.out, "vectors"), { recursive: true });
  for (const method of a.inputs.methods) {
    const run = await withStageMemory(a.log, method, () =>
      a.state.stage(`method:${method}`, async () => {
        a.log(`running ${method}…`);
        return runMethod(a, method);
      }),
    );
    const r = await withStageMemory(a.log, `${method} report`, () => methodReport(a, run));
    methods.push(r.report);
    rankings.push(...r.rankings);
    recordEngines(a, method, run.engines ?? ["(not recorded by the stored run)"]);
    a.timings[method] = run.seconds;
    if (r.steeringSeconds !== undefined) a.timings[`${method} steering`] = r.steeringSeconds;
  }
  return { methods, rankings };
}

/** Checkpoints at least this large get a loading bar (the zoo's load in well under a second). */
const LOAD_BAR_BYTES = 2 ** 30;

/** The audited model, loaded behind a progress bar in MiB read (rate in MiB/s, and ETA). */
async function loadModelWithBar(inputs: AuditInputs, o: AuditOptions) {
  let bar: Progress | undefined;
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  const cm = await loadChatModel(inputs.model, {
    onProgress: (done, total) => {
      if (total < LOAD_BAR_BYTES) return;
      bar ??= o.progress?.("loading the model (MiB)");
      bar?.update(mib(done), mib(total));
    },
  });
  bar?.finish();
  return cm;
}

export async function runAudit(inputs: AuditInputs, o: AuditOptions): Promise<AuditReport> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const settings = auditSettings(inputs, o);
  const state = new AuditState(o.out, fingerprint(inputs, settings, o), {
    fresh: o.fresh ?? false,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (state.resumed.length > 0)
    log(`resuming: ${state.resumed.length} stages already done (${o.out})`);
  const cm = await loadModelWithBar(inputs, o);
  try {
    const timings = { load: secondsSince(t0) };
    const { dSae, dIn } = inputs.sae.config;
    const decoder = { rows: unitDecoderRows(inputs.sae), dSae, dModel: dIn };
    const engine = modelEngine(cm.model, o.engine ?? "auto");
    engine.takeGeneration();
    log(`engine: ${engine.decision.reason}`);
    const a: AuditContext = {
      ...{ inputs, o, settings, cm, decoder, state, log, timings },
      ...{ engine, engines: {} },
    };
    const { methods, rankings } = await methodStages(a);
    const candidates = await candidateStage(a, rankings);
    const probes = await withStageMemory(log, "probes", () => probeStage(a, candidates));
    const report = buildReport(a, t0, methods, candidates, probes);
    writeReport(o.out, report);
    return report;
  } finally {
    cm.model.dispose();
  }
}
