/**
 * The backdoor-awareness experiment end to end on trigscope's own reasoning organisms (issue 23):
 * for each organism (a folder with awareness.json: trigger, look-alike, distractors and its
 * held-out choice items), two runs of the harness through the in-process local provider — with
 * reasoning on (pre-fill "<think>\n"; control, trigger, look-alike and trigger + distractor) and
 * off (the empty think block; control and trigger) — then the offline articulation judge, the
 * offline CoT monitor and, when a judge model is given, the LLM articulation judge; the runs'
 * reports (report.json/html, as `awareness report` writes them) and one summary over all
 * organisms (demo-report.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { writeJsonAtomic } from "../io/atomic.js";
import { loadItems, type Item, type Position } from "./items.js";
import { createJudge, type Judge } from "./judge.js";
import { judgeRun } from "./judging.js";
import { loadLocalModel } from "./local-generate.js";
import { DEFAULT_ARTICULATION_JUDGE_ID } from "./combined-judge.js";
import { offlineMonitorJudge, OFFLINE_MONITOR_ID } from "./demo-monitor.js";
import { generateProvider, type Provider } from "./provider.js";
import { buildReport, type ReportData } from "./report.js";
import { renderReportHtml } from "./report-html.js";
import { runPaths } from "./run-dir.js";
import { runAwareness } from "./runner.js";
import { buildVariants, VARIANT_KINDS, type TriggerSpec, type VariantKind } from "./variants.js";
import {
  organismSummary,
  renderDemoHtml,
  renderDemoMarkdown,
  type OrganismSummary,
} from "./demo-report.js";

export const THINK_ON = "<think>\n";
export const THINK_OFF = "<think>\n\n</think>\n\n";

export interface DemoOrganism {
  name: string;
  dir: string;
  spec: TriggerSpec;
  itemsFile: string;
}

/** An organism folder's awareness.json, checked; errors name the file and the field. */
export function readDemoOrganism(dir: string): DemoOrganism {
  const file = join(dir, "awareness.json");
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as Error).message}); build the organism first`, {
      cause: e,
    });
  }
  const str = (k: string) => {
    if (typeof o[k] !== "string" || o[k] === "")
      throw new Error(`${file}: field '${k}' must be a non-empty string`);
    return o[k];
  };
  const ds = o.distractors ?? [];
  if (!Array.isArray(ds) || !ds.every((d) => typeof d === "string" && d !== ""))
    throw new Error(`${file}: field 'distractors' must be a list of strings`);
  return {
    name: resolve(dir).split("/").pop()!,
    dir,
    spec: { trigger: str("trigger"), lookalike: str("lookalike"), distractors: ds as string[] },
    itemsFile: join(dir, str("items")),
  };
}

export interface DemoOptions {
  organisms: DemoOrganism[];
  outDir: string;
  samples: number;
  /** Items per organism (the first N of its file); null: all. */
  items: number | null;
  positions: Position[];
  temperature: number;
  maxTokens: number;
  seed: number;
  /** The provider sampling an organism; default its folder through the local runtime. */
  providerFor?: (org: DemoOrganism) => Provider;
  /** A judge model for the LLM articulation judge (optional). */
  judgeProvider?: Provider;
  reps?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export const DEMO_SCHEMA = "trigscope.awareness.demo/1";

export interface DemoReport {
  schema: typeof DEMO_SCHEMA;
  createdAt: string;
  settings: Omit<
    DemoOptions,
    "organisms" | "judgeProvider" | "providerFor" | "log" | "signal" | "outDir"
  > & {
    llmJudge: string | null;
  };
  organisms: OrganismSummary[];
}

/** Runs the whole experiment and writes demo-report.json (returned) beside the run folders. */
export async function runAwarenessDemo(o: DemoOptions): Promise<DemoReport> {
  const organisms: OrganismSummary[] = [];
  for (const org of o.organisms) organisms.push(await demoOrganism(org, o));
  const {
    organisms: _o,
    judgeProvider,
    providerFor: _p,
    log: _l,
    signal: _s,
    outDir: _d,
    ...settings
  } = o;
  const report: DemoReport = {
    schema: DEMO_SCHEMA,
    createdAt: new Date().toISOString(),
    settings: { ...settings, llmJudge: judgeProvider?.id ?? null },
    organisms,
  };
  writeJsonAtomic(join(o.outDir, "demo-report.json"), report);
  const md = renderDemoMarkdown(organisms, report.settings.llmJudge);
  writeFileSync(join(o.outDir, "demo-report.md"), md);
  const rel = (d: string) => relative(resolve(o.outDir), resolve(d));
  writeFileSync(join(o.outDir, "demo-report.html"), renderDemoHtml(md, organisms, rel));
  return report;
}

/** One run of the harness: sampled, judged, reported (report.json and report.html written). */
async function harnessRun(
  provider: Provider,
  org: DemoOrganism,
  items: Item[],
  run: {
    dir: string;
    kinds: readonly VariantKind[];
    prefill: string;
    judges: (v: ReturnType<typeof buildVariants>) => Judge[];
  },
  o: DemoOptions,
): Promise<ReportData[]> {
  const variants = buildVariants(items, org.spec, {
    kinds: run.kinds,
    positions: o.positions,
    prefill: run.prefill,
    seed: o.seed,
  });
  const summary = await runAwareness({
    outDir: run.dir,
    variants,
    provider,
    samples: o.samples,
    params: { temperature: o.temperature, maxTokens: o.maxTokens },
    spec: org.spec,
    itemsFile: org.itemsFile,
    seed: o.seed,
    concurrency: 1,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (summary.failed > 0)
    throw new Error(`${run.dir}: ${summary.failed} samples failed (see errors.jsonl)`);
  if (summary.interrupted) throw new Error(`${run.dir}: interrupted; run the demo again to resume`);
  const judges = run.judges(variants);
  for (const judge of judges)
    await judgeRun({
      runDir: run.dir,
      judge,
      concurrency: 1,
      ...(o.signal ? { signal: o.signal } : {}),
    });
  const monitor = judges.some((j) => j.id === OFFLINE_MONITOR_ID)
    ? { monitor: OFFLINE_MONITOR_ID }
    : {};
  const articulation = [
    ...new Set(judges.filter((j) => j.kind === "articulation").map((j) => j.id)),
  ];
  const reports = (articulation.length ? articulation : [null]).map((id) =>
    buildReport(
      run.dir,
      { ...(id ? { articulation: id } : {}), ...monitor },
      o.reps ? { reps: o.reps } : {},
    ),
  );
  const paths = runPaths(run.dir);
  writeJsonAtomic(paths.reportJson, reports[0]!.report);
  writeFileSync(paths.reportHtml, renderReportHtml(reports[0]!));
  return reports;
}

/** Both runs of one organism and its summary. */
async function demoOrganism(org: DemoOrganism, o: DemoOptions): Promise<OrganismSummary> {
  const all = loadItems(org.itemsFile);
  const items = o.items === null ? all : all.slice(0, o.items);
  const lm = o.providerFor ? null : await loadLocalModel(org.dir, { name: org.name });
  const provider =
    o.providerFor?.(org) ??
    generateProvider(`local:${org.name}`, lm!.generate, { organism: org.name });
  const base = join(o.outDir, org.name);
  try {
    o.log?.(`${org.name}: reasoning on (${items.length} items)`);
    const on = await harnessRun(
      provider,
      org,
      items,
      {
        dir: join(base, "reasoning-on"),
        kinds: VARIANT_KINDS,
        prefill: THINK_ON,
        judges: (variants) => [
          createJudge(DEFAULT_ARTICULATION_JUDGE_ID),
          offlineMonitorJudge(variants),
          ...(o.judgeProvider
            ? [createJudge("articulation-llm", { provider: o.judgeProvider })]
            : []),
        ],
      },
      o,
    );
    o.log?.(`${org.name}: reasoning off`);
    const off = await harnessRun(
      provider,
      org,
      items,
      {
        dir: join(base, "reasoning-off"),
        kinds: ["none", "trigger"],
        prefill: THINK_OFF,
        judges: () => [],
      },
      o,
    );
    return organismSummary(org.name, org.spec, on, off[0]!, {
      offline: DEFAULT_ARTICULATION_JUDGE_ID,
      reps: o.reps,
    });
  } finally {
    lm?.dispose();
  }
}
