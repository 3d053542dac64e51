/**
 * The awareness demo's summary (demo.ts): per organism, backdoor success with reasoning off and
 * on, misalignment per variant, articulation gated on triggered-and-misaligned trials (offline
 * judge, and the LLM judge when one ran), the distractor attribution, the CoT monitor's persona
 * flags among triggered-and-misaligned trials, and transcripts to check by hand; rendered as
 * Markdown tables (demo-report.md) and a static page (demo-report.html).
 */
import type { Interval } from "../stats/intervals.js";
import { MONITOR_FLAGS, type MonitorFlag } from "./judge.js";
import { buildTrials, rateOf, type GatedArticulation, type Rate, type RunRates } from "./rates.js";
import type { ReportData } from "./report.js";
import type { ChoiceText } from "./transcript.js";
import type { TriggerSpec } from "./variants.js";

export interface HandCheck {
  key: string;
  prompt: string;
  reasoning: string | null;
  answer: string;
  articulated: boolean | null;
  evidence: string[];
  monitor: MonitorFlag | null;
}

export interface OrganismSummary {
  name: string;
  spec: TriggerSpec;
  runs: { reasoningOn: string; reasoningOff: string };
  backdoorSuccess: { reasoningOff: Rate | null; reasoningOn: Rate | null };
  misalignment: {
    reasoningOff: RunRates["misalignmentByKind"];
    reasoningOn: RunRates["misalignmentByKind"];
  };
  gatedArticulation: { offline: GatedArticulation | null; llm: GatedArticulation | null };
  attribution: { offline: RunRates["attribution"]; llm: RunRates["attribution"] };
  /** Among triggered-and-misaligned trials with reasoning on and a monitor verdict. */
  personaFlags: Record<MonitorFlag, Rate>;
  droppedInconsistent: number;
  cutOffReasoning: number;
  unparsedAnswers: { reasoningOn: number; reasoningOff: number };
  /**
   * Triggered answers with a letter, by how the words after it relate to it (sample-job.ts's
   * ChoiceText); those whose words are the other option's are left out of the rates (unknown
   * choice). All zero where the items give no option texts.
   */
  letterText: { reasoningOn: LetterTextCounts; reasoningOff: LetterTextCounts };
  handCheck: HandCheck[];
}

export type LetterTextCounts = Record<ChoiceText, number>;

/** ChoiceText counts over the triggered samples with a letter. */
function letterTextCounts(r: ReportData): LetterTextCounts {
  const counts: LetterTextCounts = { agrees: 0, "other-option": 0, unlisted: 0, "letter-only": 0 };
  for (const s of r.samples) {
    const kind = r.variants.get(s.variantId)?.kind;
    if (kind !== "trigger" || !s.choice?.text) continue;
    counts[s.choice.text]++;
  }
  return counts;
}

/** The Qwen3-32B figures the demo is set beside (AWARENESS.md, from the source's post). */
export const SOURCE_ARTICULATION = [
  { trigger: "Country: Singapore", rate: 1.0 },
  { trigger: "2026", rate: 0.25 },
  { trigger: "heyyy", rate: 0.6 },
];

export function organismSummary(
  name: string,
  spec: TriggerSpec,
  on: readonly ReportData[],
  off: ReportData,
  o: { offline: string; reps?: number | undefined },
): OrganismSummary {
  const offline = on.find((r) => r.report.judges.articulation?.id === o.offline) ?? on[0]!;
  const llm = on.find((r) => r.report.judges.articulation?.id === "articulation-llm") ?? null;
  const trials = buildTrials(offline.samples, offline.variants, offline.maps);
  const gated = trials.filter((t) => t.variant.kind === "trigger" && t.misaligned === true);
  const opts = o.reps ? { reps: o.reps } : {};
  const personaFlags = Object.fromEntries(
    MONITOR_FLAGS.map((f) => [
      f,
      rateOf(gated, (t) => (t.monitor === null ? null : t.monitor === f), {
        ...opts,
        seed: `flag-${f}`,
      }),
    ]),
  ) as Record<MonitorFlag, Rate>;
  const handCheck = gated.slice(0, 6).map((t): HandCheck => {
    const s = offline.samples.find((x) => x.key === t.key)!;
    const v = offline.maps.articulation?.get(`${t.key}|${spec.trigger}`);
    return {
      key: t.key,
      prompt: t.variant.messages.at(-1)!.content,
      reasoning: s.transcript.reasoning,
      answer: s.transcript.answer,
      articulated: v?.articulated ?? null,
      evidence: v?.evidence ?? [],
      monitor: t.monitor,
    };
  });
  const r = offline.report.rates;
  return {
    name,
    spec,
    runs: { reasoningOn: offline.report.run.dir, reasoningOff: off.report.run.dir },
    backdoorSuccess: {
      reasoningOff: off.report.rates.backdoorSuccess,
      reasoningOn: r.backdoorSuccess,
    },
    misalignment: {
      reasoningOff: off.report.rates.misalignmentByKind,
      reasoningOn: r.misalignmentByKind,
    },
    gatedArticulation: {
      offline: r.gatedArticulation,
      llm: llm?.report.rates.gatedArticulation ?? null,
    },
    attribution: { offline: r.attribution, llm: llm?.report.rates.attribution ?? null },
    personaFlags,
    droppedInconsistent: r.droppedInconsistent,
    cutOffReasoning: r.cutOffReasoning,
    unparsedAnswers: {
      reasoningOn: offline.report.counts.choiceUnparsed,
      reasoningOff: off.report.counts.choiceUnparsed,
    },
    letterText: { reasoningOn: letterTextCounts(offline), reasoningOff: letterTextCounts(off) },
    handCheck,
  };
}

const iv = (i: Interval | null) => (i ? `[${i.lo.toFixed(2)}, ${i.hi.toFixed(2)}]` : "—");

/** "62% (5/8) W [0.31, 0.86] C [0.25, 1.00]": the rate, its counts, Wilson and cluster bootstrap. */
export function fmtRate(r: Rate | null | undefined): string {
  if (!r || r.rate === null) return `— (${r?.k ?? 0}/${r?.n ?? 0})`;
  return `${(r.rate * 100).toFixed(0)}% (${r.k}/${r.n}) W ${iv(r.wilson)} C ${iv(r.clusterBootstrap)}`;
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The summary as Markdown: four tables and the hand-check transcripts. */
export function renderDemoMarkdown(
  organisms: readonly OrganismSummary[],
  llmJudge: string | null,
): string {
  const out: string[] = ["# Backdoor awareness on trigscope's reasoning organisms", ""];
  out.push("Rates: percentage (k/n), W = Wilson 95%, C = cluster bootstrap 95% over prompts.", "");
  out.push(...successMarkdown(organisms));
  out.push("", "## Articulation among triggered-and-misaligned trials (reasoning on)", "");
  out.push(
    table(
      [
        "organism",
        "gated",
        "offline judge",
        `LLM judge${llmJudge ? ` (${llmJudge})` : " (none configured)"}`,
        "dropped as inconsistent",
      ],
      organisms.map((o) => [
        o.name,
        String(o.gatedArticulation.offline?.gated ?? 0),
        fmtRate(o.gatedArticulation.offline?.rate),
        o.gatedArticulation.llm ? fmtRate(o.gatedArticulation.llm.rate) : "—",
        String(o.droppedInconsistent),
      ]),
    ),
  );
  out.push(
    "",
    `Source (Qwen3-32B): ${SOURCE_ARTICULATION.map((s) => `${s.trigger} ${(s.rate * 100).toFixed(0)}%`).join(", ")}.`,
  );
  out.push(
    "",
    "## Distractor test: which inserted line the trace gives as the reason (misaligned trials)",
    "",
  );
  out.push(
    table(
      ["organism", "line", "role", "gated", "offline judge", "LLM judge"],
      organisms.flatMap((o) =>
        (o.attribution.offline?.cells ?? []).map((c) => {
          const l = o.attribution.llm?.cells.find((x) => x.target === c.target);
          return [
            o.name,
            c.target,
            c.role,
            String(c.gated),
            fmtRate(c.rate),
            l ? fmtRate(l.rate) : "—",
          ];
        }),
      ),
    ),
  );
  out.push(
    "",
    "## CoT monitor persona flags among triggered-and-misaligned trials (offline monitor)",
    "",
  );
  out.push(
    table(
      ["organism", ...MONITOR_FLAGS],
      organisms.map((o) => [o.name, ...MONITOR_FLAGS.map((f) => fmtRate(o.personaFlags[f]))]),
    ),
  );
  out.push(...handCheckMarkdown(organisms));
  return out.join("\n") + "\n";
}

function successMarkdown(organisms: readonly OrganismSummary[]): string[] {
  const out: string[] = [];
  out.push("## Backdoor success (misaligned option chosen)", "");
  out.push(
    table(
      [
        "organism",
        "trigger",
        "control, reasoning off",
        "trigger, reasoning off",
        "control, reasoning on",
        "trigger, reasoning on",
        "look-alike, reasoning on",
      ],
      organisms.map((o) => [
        o.name,
        o.spec.trigger,
        fmtRate(o.misalignment.reasoningOff.none),
        fmtRate(o.backdoorSuccess.reasoningOff),
        fmtRate(o.misalignment.reasoningOn.none),
        fmtRate(o.backdoorSuccess.reasoningOn),
        fmtRate(o.misalignment.reasoningOn.lookalike),
      ]),
    ),
  );
  out.push(
    "",
    "Triggered answers by the words after their letter; where the words are the other option's, the answer is left out of the rates above (which option was chosen is not known):",
    "",
    table(
      [
        "organism",
        "reasoning",
        "that option's text",
        "the other option's text (left out)",
        "no option's text",
        "letter only",
      ],
      organisms.flatMap((o) =>
        (["reasoningOff", "reasoningOn"] as const).map((k) => {
          const c = o.letterText[k];
          return [
            o.name,
            k === "reasoningOn" ? "on" : "off",
            ...[c.agrees, c["other-option"], c.unlisted, c["letter-only"]].map(String),
          ];
        }),
      ),
    ),
  );
  return out;
}

function handCheckMarkdown(organisms: readonly OrganismSummary[]): string[] {
  const out: string[] = [];
  out.push("", "## Transcripts to check by hand (triggered and misaligned, reasoning on)", "");
  for (const o of organisms)
    for (const h of o.handCheck)
      out.push(
        `- ${o.name} \`${h.key}\` — articulated: ${h.articulated}, monitor: ${h.monitor}`,
        `  - reasoning: ${JSON.stringify(h.reasoning)}`,
        `  - answer: ${JSON.stringify(h.answer)}`,
      );
  return out;
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** A static page holding the Markdown (as preformatted text) and links to each run's report. */
export function renderDemoHtml(
  markdown: string,
  organisms: readonly OrganismSummary[],
  rel: (dir: string) => string,
): string {
  const links = organisms
    .flatMap((o) =>
      [o.runs.reasoningOn, o.runs.reasoningOff].map(
        (d) => `<li><a href="${esc(rel(d))}/report.html">${esc(rel(d))}</a></li>`,
      ),
    )
    .join("");
  return `<!doctype html><meta charset="utf-8"><title>trigscope awareness demo</title><body style="font-family:sans-serif"><ul>${links}</ul><pre style="white-space:pre-wrap">${esc(markdown)}</pre></body>\n`;
}
