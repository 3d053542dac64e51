/**
 * Revision-against-revision fold tables for the offline articulation judges (issue 21, NOTES.md
 * "Reproduce"): a frozen revision (`--base COMMIT`, its src/ taken with `git archive`) against the
 * working tree, on the same draws of the synthetic dev sets and on the real labelled transcripts.
 *
 *  - Leave-one-trigger-out and leave-one-set-out over the dev sets (`--sets`, default a–l): each
 *    revision's lexical weights are retrained per fold with its own features and its own committed
 *    setting (the `options` of its weights file); its rules are run as written; the combined
 *    verdict is z + RULE_BONUS · [rules find evidence] > 0, as the combined judge computes it.
 *  - False alarms by the negative's kind (retraction / dismissal / off-target / echo / no-mention)
 *    and misses, per revision and judge, in both folds.
 *  - Real rows (`--real DIR`, repeatable): each revision's committed judges, never retrained;
 *    undetermined verdicts (cut-off reasoning) excluded, as `awareness validate` does.
 *
 * The draws are the working tree's synthesiseLabelled (seed 1, 25 per class for set a, 20
 * otherwise: MODEL_DRAW), so both revisions see the same transcripts. Markdown on stdout; `--json
 * FILE` also writes every fold's counts.
 *
 *   npm run bench:articulation-folds -- --base df4d412 --real ../shared/data/backdoor-cot-examples \
 *     --real test/awareness/fixtures/labelled
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { confusionOf, f1Of, kappaOf, type Confusion } from "../src/awareness/agreement.js";
import type {
  ArticulationModel,
  Example,
  ModelOptions,
} from "../src/awareness/articulation-model.js";
import type { Judge } from "../src/awareness/judge.js";
import { loadLabelled } from "../src/awareness/labelled-data.js";
import { MODEL_DRAW } from "../src/awareness/articulation-model.js";
import {
  synthesiseLabelled,
  TEMPLATE_SETS,
  type SyntheticStyle,
} from "../src/awareness/synthetic-labelled.js";

interface Revision {
  name: string;
  modelFeatures: (reasoning: string, trigger: string, prompt: string | null) => string[];
  trainModel: (examples: readonly Example[], options: ModelOptions) => ArticulationModel;
  logit: (model: ArticulationModel, features: readonly string[]) => number;
  rules: (reasoning: string, trigger: string) => { articulated: boolean | null };
  options: ModelOptions;
  bonus: number;
  judges: Record<JudgeName, Judge>;
}

const JUDGES = ["rules", "lexical", "combined"] as const;
type JudgeName = (typeof JUDGES)[number];
const KINDS = ["retraction", "dismissal", "off-target-cause", "echo", "no-mention"] as const;

const ROOT = resolve(import.meta.dirname, "..");

/** The awareness modules of a revision: the working tree's, or a commit's src/ under tmpdir. */
async function loadRevision(name: string, commit: string | null): Promise<Revision> {
  let src = join(ROOT, "src");
  if (commit !== null) {
    const sha = execFileSync("git", ["rev-parse", "--short=12", commit], { cwd: ROOT })
      .toString()
      .trim();
    const dir = join(tmpdir(), `trigscope-rev-${sha}`);
    if (!existsSync(join(dir, "src"))) {
      mkdirSync(dir, { recursive: true });
      const tar = execFileSync("git", ["archive", sha, "src"], {
        cwd: ROOT,
        maxBuffer: 1 << 30,
      });
      execFileSync("tar", ["-x", "-C", dir], { input: tar });
      symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    }
    src = join(dir, "src");
  }
  const at = (f: string) => pathToFileURL(join(src, "awareness", f)).href;
  const model = (await import(
    at("articulation-model.ts")
  )) as typeof import("../src/awareness/articulation-model.js");
  const rules = (await import(
    at("articulation-rules.ts")
  )) as typeof import("../src/awareness/articulation-rules.js");
  const combined = (await import(
    at("combined-judge.ts")
  )) as typeof import("../src/awareness/combined-judge.js");
  const offline = (await import(
    at("offline-judge.ts")
  )) as typeof import("../src/awareness/offline-judge.js");
  const weights = JSON.parse(
    readFileSync(join(src, "awareness", "articulation-model-weights.json"), "utf8"),
  ) as ArticulationModel;
  return {
    name,
    modelFeatures: model.modelFeatures,
    trainModel: (xs, o) => model.trainModel(xs, o),
    logit: model.logit,
    rules: (r, t) => rules.judgeArticulationByRules(r, t),
    options: weights.options,
    bonus: combined.RULE_BONUS,
    judges: {
      rules: offline.offlineArticulationJudge(),
      lexical: model.lexicalArticulationJudge(),
      combined: combined.combinedArticulationJudge(),
    },
  };
}

interface Item {
  set: string;
  trigger: string;
  style: SyntheticStyle;
  label: boolean;
}

interface Scored {
  /** Per item: the rules' verdict and the features, for one revision. */
  rules: boolean[];
  features: string[][];
}

function score(rev: Revision, draws: ReturnType<typeof synthesiseLabelled>): Scored {
  return {
    rules: draws.map((x) => rev.rules(x.reasoning, x.trigger).articulated === true),
    features: draws.map((x) => rev.modelFeatures(x.reasoning, x.trigger, x.prompt)),
  };
}

/** Verdicts of the three judges for every item, with the lexical weights trained per fold. */
function foldVerdicts(
  rev: Revision,
  items: readonly Item[],
  s: Scored,
  group: (x: Item) => string,
): Record<JudgeName, boolean[]> {
  const out: Record<JudgeName, boolean[]> = {
    rules: [...s.rules],
    lexical: new Array<boolean>(items.length).fill(false),
    combined: new Array<boolean>(items.length).fill(false),
  };
  const examples: Example[] = items.map((x, i) => ({
    set: x.set,
    trigger: x.trigger,
    label: x.label,
    features: s.features[i]!,
  }));
  for (const g of [...new Set(items.map(group))].sort()) {
    const model = rev.trainModel(
      examples.filter((_, i) => group(items[i]!) !== g),
      rev.options,
    );
    items.forEach((x, i) => {
      if (group(x) !== g) return;
      const f = s.features[i]!;
      const z = f.length === 0 ? null : rev.logit(model, f);
      out.lexical[i] = z !== null && z > 0;
      out.combined[i] = z !== null && z + (s.rules[i] ? rev.bonus : 0) > 0;
    });
  }
  return out;
}

const f2 = (x: number | null) => (x === null ? "—" : x.toFixed(2));
const counts = (c: Confusion) => `${c.tp}/${c.fp}/${c.fn}/${c.tn}`;
const cell = (c: Confusion) => `${counts(c)}, ${f2(f1Of(c))} / ${f2(kappaOf(c))}`;
const meets = (c: Confusion) => (f1Of(c) ?? 0) >= 0.85 && (kappaOf(c) ?? -1) >= 0.6;

function confusionWhere(items: readonly Item[], v: readonly boolean[], keep: (x: Item) => boolean) {
  return confusionOf(
    items.flatMap((x, i) => (keep(x) ? [{ predicted: v[i]!, actual: x.label }] : [])),
  );
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function table(head: string[], rows: string[][]): string {
  return [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      base: { type: "string", default: "df4d412" },
      "base-name": { type: "string" },
      "head-name": { type: "string", default: "working tree" },
      sets: { type: "string", default: "a,b,c,d,e,f,g,h,i,j,k,l" },
      real: { type: "string", multiple: true, default: [] },
      json: { type: "string" },
    },
  });
  const sets = values.sets.split(",").filter((s) => s !== "");
  const revs = [
    await loadRevision(values["base-name"] ?? values.base, values.base),
    await loadRevision(values["head-name"], null),
  ];
  const draws = sets.flatMap((set) => {
    const ts = TEMPLATE_SETS[set];
    if (!ts) throw new Error(`unknown template set '${set}'`);
    return synthesiseLabelled({
      seed: MODEL_DRAW.seed,
      perClass: MODEL_DRAW.perClass(set),
      templates: ts,
    }).map((x) => ({ ...x, set }));
  });
  const items: Item[] = draws.map((x) => ({
    set: x.set,
    trigger: x.triggerName,
    style: x.style,
    label: x.label,
  }));
  const triggers = [...new Map(items.map((x) => [x.trigger, x.set])).entries()];
  const folds = {
    "leave-one-trigger-out": (x: Item) => x.trigger,
    "leave-one-set-out": (x: Item) => x.set,
  };
  const json: Record<string, unknown> = {
    base: values.base,
    sets,
    options: revs.map((r) => ({ revision: r.name, options: r.options, bonus: r.bonus })),
  };
  const out: string[] = [];
  out.push(
    `Revisions: ${revs.map((r) => `${r.name} (L2 ${r.options.lambda}, bonus ${r.bonus})`).join(" against ")}; sets ${sets.join(", ")}; n = ${items.length}.`,
  );
  const scored = revs.map((r) => score(r, draws));
  for (const [foldName, group] of Object.entries(folds)) {
    const v = revs.map((r, k) => foldVerdicts(r, items, scored[k]!, group));
    const per: Record<string, unknown> = {};
    // Per trigger.
    const rowsT = triggers.map(([t, set]) => {
      const cs = revs.map((_, k) =>
        Object.fromEntries(
          JUDGES.map((j) => [j, confusionWhere(items, v[k]![j], (x) => x.trigger === t)]),
        ),
      );
      per[t] = cs;
      return [
        set,
        t,
        ...JUDGES.flatMap((j) =>
          j === "combined"
            ? cs.map((c) => cell(c[j]!) + (meets(c[j]!) ? "" : " ✗"))
            : [cs.map((c) => `${f2(f1Of(c[j]!))} / ${f2(kappaOf(c[j]!))}`).join(" → ")],
        ),
      ];
    });
    // Per set and pooled.
    const rowsS = [...sets, "pooled"].map((set) => [
      set,
      ...JUDGES.flatMap((j) =>
        revs.map((_, k) =>
          cell(confusionWhere(items, v[k]![j], (x) => set === "pooled" || x.set === set)),
        ),
      ),
    ]);
    // False alarms by kind, misses, and triggers short of the target.
    const rowsK = JUDGES.flatMap((j) =>
      revs.map((r, k) => {
        const fa = KINDS.map(
          (kind) =>
            items.filter((x, i) => x.style === kind && v[k]![j][i]).length +
            "/" +
            items.filter((x) => x.style === kind).length,
        );
        const misses = items.filter((x, i) => x.label && !v[k]![j][i]).length;
        const short = triggers.filter(
          ([t]) => !meets(confusionWhere(items, v[k]![j], (x) => x.trigger === t)),
        );
        return [
          `${j}, ${r.name}`,
          ...fa,
          `${misses}/${items.filter((x) => x.label).length}`,
          `${short.length}: ${short.map(([t]) => t).join(", ") || "none"}`,
        ];
      }),
    );
    json[foldName] = { perTrigger: per, perSet: rowsS, byKind: rowsK };
    out.push(`\n## ${foldName}\n`);
    out.push(
      "Per set (tp/fp/fn/tn, F1 / κ):\n\n" +
        table(["set", ...JUDGES.flatMap((j) => revs.map((r) => `${j}, ${r.name}`))], rowsS),
    );
    out.push(
      "\nFalse alarms by kind (of each kind's negatives), misses, and triggers short of F1 ≥ 0.85, κ ≥ 0.6:\n\n" +
        table(["judge, revision", ...KINDS, "misses", "triggers short"], rowsK),
    );
    out.push(
      `\nPer trigger (rules and lexical F1 / κ, ${revs.map((r) => r.name).join(" → ")}; combined counts, F1 / κ, ✗ short of the target):\n\n` +
        table(
          ["set", "trigger", "rules", "lexical", ...revs.map((r) => `combined, ${r.name}`)],
          rowsT,
        ),
    );
  }
  // Real rows: each revision's committed judges.
  if (values.real.length > 0) {
    const realRows: string[][] = [];
    const realJson: Record<string, unknown> = {};
    for (const dir of values.real) {
      const { items: real } = loadLabelled(dir);
      for (const name of [...new Set(real.map((x) => x.triggerName))].sort()) {
        const mine = real.filter((x) => x.triggerName === name);
        for (const j of JUDGES)
          for (const r of revs) {
            const pairs: { predicted: boolean; actual: boolean }[] = [];
            for (const x of mine) {
              const verdict = await r.judges[j].judge(
                {
                  prompt: x.prompt,
                  reasoning: x.transcript.reasoning,
                  answer: x.transcript.answer,
                  reasoningCutOff: x.transcript.reasoningCutOff,
                  trigger: x.trigger,
                },
                {},
              );
              if (verdict.kind !== "articulation" || verdict.articulated === null) continue;
              pairs.push({ predicted: verdict.articulated, actual: x.label });
            }
            const c = confusionOf(pairs);
            realJson[`${name} ${j} ${r.name}`] = c;
            realRows.push([
              name,
              j,
              r.name,
              String(pairs.length),
              counts(c),
              f2(f1Of(c)),
              f2(kappaOf(c)),
            ]);
          }
      }
    }
    json.real = realJson;
    out.push(
      "\n## Real transcripts and fixture (committed judges; upper bounds where read)\n\n" +
        table(["trigger", "judge", "revision", "n", "tp/fp/fn/tn", "F1", "κ"], realRows),
    );
  }
  out.push(
    "\nVersions: " +
      revs
        .map((r) => `${r.name}: ${JUDGES.map((j) => `${j} ${r.judges[j].version}`).join(", ")}`)
        .join("; "),
  );
  console.log(out.join("\n"));
  if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(json, null, 2) + "\n");
}

await main();
