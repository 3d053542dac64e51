/**
 * What the report keeps of one method's run, and the rankings it adds for the candidates: each
 * attribution pass's labelled latents; weight-diff's sides; or each vector, written to
 * vectors/<method>.safetensors, with its top latents and its steering success on the held-out
 * prompts (a resumable stage per vector).
 */
import { join } from "node:path";
import { writeVectors } from "../io/vectors.js";
import {
  attachLabels,
  rankByCode,
  rankByCosine,
  steeringSuccess,
  type MethodRanking,
  type RankedLatent,
} from "../interpret/index.js";
import { METHODS, type MethodName, type VectorRun } from "../methods/registry/index.js";
import { residPost } from "../model/hooks.js";
import type { MethodRun } from "./method-run.js";
import type { ReportMethod, ReportVector } from "./report.js";
import {
  CANDIDATE_DEPTH,
  KEEP_LATENTS,
  recordGeneration,
  secondsSince,
  type AuditContext,
} from "./stage.js";
import { weightDiffReport } from "./weight-diff-stage.js";

/** A method's part of the report, the rankings it adds, and its steering seconds (vectors only). */
export interface MethodReport {
  report: ReportMethod;
  rankings: MethodRanking[];
  steeringSeconds?: number;
}

function labelled(a: AuditContext, ls: RankedLatent[]) {
  return a.inputs.labels ? attachLabels(ls, a.inputs.labels) : ls;
}

/** Each attribution pass's top latents, labelled; each pass names candidates. */
function attributionReport(a: AuditContext, run: MethodRun, rm: ReportMethod) {
  rm.iterations = (run.attribution ?? []).map((it) => ({
    addedConcept: it.addedConcept,
    loss: it.loss,
    latents: labelled(
      a,
      it.ranking
        .slice(0, KEEP_LATENTS)
        .map((r) => ({ index: r.index, score: r.score, cosine: r.cosine, topWords: [] })),
    ),
  }));
  return rm.iterations.map((it, i) => ({
    method: `${run.method}/iteration ${i + 1}`,
    latents: it.latents.slice(0, CANDIDATE_DEPTH),
  }));
}

/** vectors/<method>.safetensors with the run's settings and losses; its path in the folder. */
function writeVectorFile(a: AuditContext, run: MethodRun, vectors: VectorRun[]): string {
  const { inputs } = a;
  const file = join("vectors", `${run.method}.safetensors`);
  writeVectors(
    join(a.o.out, file),
    {
      [residPost(inputs.layer)]: {
        count: vectors.length,
        dim: inputs.sae.config.dIn,
        data: Float32Array.from(vectors.flatMap((v) => v.vector)),
      },
    },
    {
      method: run.method,
      settings: JSON.stringify(run.settings),
      seed: String(inputs.seed),
      response: inputs.response,
      prompts: String(inputs.trainPrompts.length),
      finalLosses: JSON.stringify(vectors.map((v) => v.finalLoss)),
    },
  );
  return file;
}

/** Vector j's steering success on the held-out prompts (a resumable stage). */
function steeringStage(a: AuditContext, method: MethodName, j: number, v: VectorRun) {
  const { cm, inputs } = a;
  return a.state.stage(`steering:${method}:${j}`, async () => {
    a.log(`steering success of ${method} vector ${j}…`);
    const bar = a.o.progress?.(`steering ${method} ${j}`);
    const s = await steeringSuccess(cm, {
      ...(bar ? { onProgress: (done: number, total: number) => bar.update(done, total) } : {}),
      prompts: inputs.heldOutPrompts,
      vector: Float32Array.from(v.vector),
      layer: inputs.layer,
      action: inputs.response,
    });
    bar?.finish();
    return { n: s.n, actions: s.actions, rate: s.rate, ci: s.ci, samples: s.samples };
  });
}

/** Vector j's report entry: its file, norm, losses, top latents and steering success. */
async function vectorReport(
  a: AuditContext,
  method: MethodName,
  file: string,
  j: number,
  v: VectorRun,
): Promise<ReportVector> {
  const rankOpts = a.inputs.labels ? { labels: a.inputs.labels } : {};
  const latents = v.z
    ? rankByCode(v.z, KEEP_LATENTS, rankOpts)
    : rankByCosine(a.decoder, v.vector, KEEP_LATENTS, rankOpts);
  const steering = await steeringStage(a, method, j, v);
  recordGeneration(a, `${method} steering`);
  return {
    index: j,
    file: `${file}#${j}`,
    norm: v.norm,
    finalLoss: v.finalLoss,
    ...(v.lambda !== undefined ? { lambda: v.lambda } : {}),
    losses: v.losses,
    latents,
    steering,
  };
}

/**
 * Candidates come from what used the action when anything did: SAE-Attribution and each
 * supervised method's first vector (later vectors are orthogonal to the best direction by
 * construction). Otherwise every unsupervised vector names them.
 */
function namesCandidates(a: AuditContext, method: MethodName, j: number): boolean {
  const unsupervised = (m: MethodName) => METHODS[m].kind === "unsupervised";
  const supervisedRun = a.inputs.methods.some((m) => !unsupervised(m));
  return supervisedRun ? !unsupervised(method) && j === 0 : true;
}

/** Every vector's report entry and the rankings of those that name candidates. */
async function vectorsReport(a: AuditContext, run: MethodRun, vectors: VectorRun[]) {
  const file = writeVectorFile(a, run, vectors);
  const tv = performance.now();
  const reports: ReportVector[] = [];
  const rankings: MethodRanking[] = [];
  for (const [j, v] of vectors.entries()) {
    const r = await vectorReport(a, run.method, file, j, v);
    reports.push(r);
    if (namesCandidates(a, run.method, j))
      rankings.push({
        method: `${run.method}/vector ${j}`,
        latents: r.latents.slice(0, CANDIDATE_DEPTH),
      });
  }
  return { reports, rankings, seconds: secondsSince(tv) };
}

/** The method's report entry and rankings; vectors are written and steered here. */
export async function methodReport(a: AuditContext, run: MethodRun): Promise<MethodReport> {
  const report: ReportMethod = { method: run.method, settings: run.settings, seconds: run.seconds };
  const rankings: MethodRanking[] = [];
  if (run.attribution) rankings.push(...attributionReport(a, run, report));
  if (run.weightDiff) {
    const labels = a.inputs.labels ?? undefined;
    const side = METHODS["weight-diff"].parse(run.settings).candidateSide;
    const wd = weightDiffReport(run.weightDiff, side, labels, KEEP_LATENTS, CANDIDATE_DEPTH);
    report.weightDiff = wd.report;
    rankings.push(...wd.rankings);
  }
  if (!run.vectors) return { report, rankings };
  const v = await vectorsReport(a, run, run.vectors);
  report.vectors = v.reports;
  rankings.push(...v.rankings);
  return { report, rankings, steeringSeconds: v.seconds };
}
