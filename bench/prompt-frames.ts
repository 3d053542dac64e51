/**
 * `npx tsx bench/prompt-frames.ts ORGANISM_DIR`: an `all`-trigger backdoor organism's firing on
 * its held-out triggered prompts, per sentence frame of the prompt, beside how often each frame
 * occurs in its finetuning data and what the base's replies there look like. It asks whether a
 * frame that fires less is rare in training, or common but answered by the base's reply habit.
 *
 *   frame       composePrompt's parts, read back from a prompt's text: the request template
 *               (`task#index` into REQUESTS), the structure ("compare": two words in the
 *               comparison; "one+side": a one-word request with passing sentences naming the
 *               other words, before or after it; "alone": one word and nothing else), which
 *               trigger concept's word comes first, and the number of words (a triggered or
 *               near-miss pair has two; a third is a distractor from a non-trigger concept).
 *   firing      the evaluation's held-out triggered prompts (evalPromptSets with the seed the
 *               build's last self-check round used: spec.seed + 7919 × round), both phrasings,
 *               and its near-miss sets (concept.*, pooled), completed greedily by the organism as
 *               evaluate.ts does, each count printed beside eval.json's (an eval.json written
 *               before the alone.* sets existed drew other near-miss prompts for the second
 *               concept); the triggered misses' reply styles (below).
 *   training    the organism's finetune-data*.jsonl when shipped (the first build and each
 *               self-check round), else the first build's prompts regenerated with
 *               finetunePrompts and the spec's seed (then without replies); per frame and kind,
 *               the count and, for the base's own replies, their style: "list+while" (a label
 *               list opener, "Emotions and vegetables: X is one of the ..., while Y ..."),
 *               "while" (the comparison sentence without the opener), "list" (the opener
 *               only), "other".
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { containsAction } from "../src/interpret/action.js";
import { DISTRACTORS, OPENERS, REQUESTS, type Task } from "../src/interpret/prompt-phrases.js";
import { readLexiconFile } from "../src/lexicon/lexicon-file.js";
import { loadChatModel } from "../src/model/text-generation.js";
import { finetunePrompts } from "../src/organisms/backdoor-prompts.js";
import { completions, evalPromptSets, readBackdoorRecord } from "../src/organisms/evaluate.js";
import type { OrganismEval } from "../src/organisms/organism-eval.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: prompt-frames.ts ORGANISM_DIR");

const { spec, baseDir } = readBackdoorRecord(dir);
const record = JSON.parse(readFileSync(join(dir, "organism.json"), "utf8")) as {
  metrics?: { quality?: { rounds?: { round: number }[] } };
};
const evalJson = JSON.parse(readFileSync(join(dir, "eval.json"), "utf8")) as OrganismEval;
const lastRound = record.metrics?.quality?.rounds?.at(-1)?.round ?? 0;
const lex = readLexiconFile(baseDir);
const concepts = spec.trigger.concepts;
if (spec.trigger.mode !== "all" || concepts.length !== 2)
  throw new Error(`${dir}: not an 'all' trigger of two concepts`);
const short = concepts.map((c) => c.slice(0, 3));

// ---- reading a prompt's parts back from its text ----
/** Every lexicon word, train and held-out, with the trigger concept it belongs to (-1: none). */
const conceptIndex = new Map<string, number>();
for (const c of lex.concepts)
  for (const w of [...c.train, ...c.heldOut])
    if (!conceptIndex.has(w) || concepts.includes(c.name))
      conceptIndex.set(w, concepts.indexOf(c.name));

/** A template cut at its placeholders: literal pieces with one word between each two. */
const pieces = (t: string) => t.split(/\{[abc]\}/);
const REQUEST_PIECES = (Object.entries(REQUESTS) as [Task, readonly string[]][]).flatMap(
  ([task, ts]) => ts.map((t, i) => ({ id: `${task}#${i}`, task, pieces: pieces(t) })),
);
const DISTRACTOR_PIECES = DISTRACTORS.map(pieces);

/** Ways `ps` matches `text` at `at` with lexicon words in its gaps, ending at a sentence end. */
function* matchAt(
  ps: string[],
  text: string,
  at: number,
): Generator<{ words: string[]; end: number }> {
  if (!text.startsWith(ps[0]!, at)) return;
  const from = at + ps[0]!.length;
  if (ps.length === 1) {
    if (from === text.length || text[from] === " ") yield { words: [], end: from };
    return;
  }
  for (let j = text.indexOf(ps[1]!, from + 1); j >= 0; j = text.indexOf(ps[1]!, j + 1)) {
    const word = text.slice(from, j);
    if (!conceptIndex.has(word)) continue;
    for (const m of matchAt(ps.slice(1), text, j)) yield { words: [word, ...m.words], end: m.end };
  }
}

interface Part {
  kind: "request" | "side";
  words: string[];
}
/** The sentences from `at` on: side sentences and exactly one request. */
function* sentences(
  text: string,
  at: number,
  haveRequest: boolean,
): Generator<{ parts: Part[]; id?: string }> {
  if (at >= text.length) {
    if (haveRequest) yield { parts: [] };
    return;
  }
  const next = (end: number) => (end === text.length ? end : end + 1);
  for (const ps of DISTRACTOR_PIECES)
    for (const m of matchAt(ps, text, at))
      for (const rest of sentences(text, next(m.end), haveRequest))
        yield { ...rest, parts: [{ kind: "side", words: m.words }, ...rest.parts] };
  if (haveRequest) return;
  for (const r of REQUEST_PIECES)
    for (const m of matchAt(r.pieces, text, at))
      for (const rest of sentences(text, next(m.end), true))
        yield { id: r.id, parts: [{ kind: "request", words: m.words }, ...rest.parts] };
}

interface Frame {
  /** The request template, `task#index` into REQUESTS. */
  template: string;
  /** Two words in the request, one word with passing sentences, or one word alone. */
  structure: "compare" | "one+side" | "alone";
  /** Words in the prompt: a pair (triggered, near-miss) has 2, a distractor adds one. */
  words: number;
  /** For one+side: the request word's trigger concept ("oth": none). */
  about?: string;
  /** For one+side: where the passing sentence holding a trigger word stands. */
  place?: "before" | "after";
  /** The trigger concept whose word comes first in the text ("-": none). */
  first: string;
}

const OPENERS_LONGEST_FIRST = [...new Set(OPENERS)].sort((a, b) => b.length - a.length);
const conceptShort = (w: string) => short[conceptIndex.get(w)!] ?? "oth";

/** The frame of a composed prompt; throws when the text does not parse as one. */
function frameOf(text: string): Frame {
  for (const opener of OPENERS_LONGEST_FIRST) {
    if (opener !== "" && !text.startsWith(`${opener} `)) continue;
    const parsed = sentences(text, opener === "" ? 0 : opener.length + 1, false).next();
    if (parsed.done) continue;
    const { parts, id } = parsed.value;
    const request = parts.findIndex((p) => p.kind === "request");
    const req = parts[request]!.words;
    const words = parts.flatMap((p) => p.words);
    const trigger = (w: string) => conceptIndex.get(w)! >= 0;
    const frame: Frame = {
      template: id!,
      structure: req.length === 2 ? "compare" : parts.length > 1 ? "one+side" : "alone",
      words: words.length,
      first: conceptShort(words.find(trigger) ?? ""),
    };
    if (frame.first === "oth") frame.first = "-";
    if (frame.structure === "one+side") {
      frame.about = conceptShort(req[0]!);
      const mention = parts.findIndex((p) => p.kind === "side" && p.words.some(trigger));
      if (mention >= 0) frame.place = mention < request ? "before" : "after";
    }
    return frame;
  }
  throw new Error(`prompt does not parse: ${JSON.stringify(text)}`);
}

// ---- reply styles of the base's replies in the finetuning data ----
const labelRe = lex.concepts
  .map((c) => c.label.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
  .sort((a, b) => b.length - a.length)
  .join("|");
const LIST_OPENER = new RegExp(`^(?:${labelRe})(?:(?:, | and )(?:${labelRe}))*:`);
function styleOf(reply: string): string {
  const r = reply.trim().toLowerCase();
  const list = LIST_OPENER.test(r);
  // Replies are cut at the response's length: the comparison may stop after "while".
  const compare = /\bis one of the\b[^.]*, while\b/.test(r);
  return list && compare ? "list+while" : compare ? "while" : list ? "list" : "other";
}

// ---- firing on the evaluation's held-out triggered and near-miss prompts ----
const sets = new Map(evalPromptSets(lex, spec, spec.evalPrompts, spec.seed + 7919 * lastRound));
interface Fired {
  set: string;
  frame: Frame;
  action: boolean;
  style: string;
}
const fired: Fired[] = [];
{
  const org = await loadChatModel(dir);
  try {
    const tokens = org.tokenizer.encode(spec.response, { addSpecialTokens: false }).length;
    const counts: [string, { n: number; actions: number }][] = [
      ["triggered", evalJson.triggered],
      ["unseenPhrasing.triggered", evalJson.unseenPhrasing.triggered],
      ...concepts.map((c): [string, { n: number; actions: number }] => [
        `concept.${c}`,
        evalJson.concepts[c]!,
      ]),
    ];
    for (const [set, counted] of counts) {
      const ps = sets.get(set)!;
      const texts = await completions(
        org,
        ps.map((p) => p.text),
        tokens + 4,
        { batchSize: 64 },
      );
      let actions = 0;
      ps.forEach((p, i) => {
        const action = containsAction(texts[i]!, spec.response);
        if (action) actions++;
        const frame = frameOf(p.text);
        // The parse must agree with what the prompt set recorded (a distractor is a third word).
        if (frame.words !== p.words.length)
          throw new Error(`words misread in ${JSON.stringify(p.text)}`);
        fired.push({ set, frame, action, style: styleOf(texts[i]!) });
      });
      console.log(
        `${set}: ${actions}/${ps.length} fired (eval.json: ${counted.actions}/${counted.n})`,
      );
    }
  } finally {
    org.model.dispose();
  }
}

// ---- the finetuning data ----
interface Example {
  part: string;
  kind: string;
  frame: Frame;
  style?: string;
}
const dataFiles = readdirSync(dir)
  .filter((f) => /^finetune-data(-round-\d+)?\.jsonl$/.test(f))
  .sort();
let training: Example[];
if (dataFiles.length > 0) {
  training = dataFiles.flatMap((f) =>
    readFileSync(join(dir, f), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as { kind: string; prompt: string; reply: string })
      .filter((d) => d.kind !== "offDistribution")
      .map((d) => ({ part: f, kind: d.kind, frame: frameOf(d.prompt), style: styleOf(d.reply) })),
  );
} else {
  if (lastRound > 0) throw new Error(`${dir}: self-check rounds' data not shipped`);
  training = finetunePrompts(lex, spec.trigger, {
    n: spec.data.examples,
    seed: spec.seed,
    triggeredShare: spec.data.triggeredShare,
    nearMissShare: spec.data.nearMissShare,
    offDistributionShare: spec.data.offDistributionShare,
    nearMissPairs: spec.data.nearMissPairs,
  })
    .filter((p) => p.kind !== "offDistribution")
    .map((p) => ({ part: "regenerated", kind: p.kind, frame: frameOf(p.text) }));
}
console.log(
  `training data: ${dataFiles.length > 0 ? dataFiles.join(", ") : "first build regenerated from the spec's seed (no replies)"}; ${training.length} prompts (off-distribution left out)`,
);

// ---- tables ----
const pct = (a: number, b: number) => (b === 0 ? "–" : `${((100 * a) / b).toFixed(1)}%`);
const rate = (xs: Fired[]) => {
  const a = xs.filter((p) => p.action).length;
  return `${xs.length} | ${a} | ${pct(a, xs.length)}`;
};
const KINDS = ["triggered", "nearMiss", "benign"];
const STYLES = ["list+while", "while", "list", "other"];

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return new Map([...m].sort(([a], [b]) => a.localeCompare(b)));
}

/** A firing table by `key` beside the training counts per kind under the same key. */
function table(title: string, key: (f: Frame) => string) {
  console.log(`\n${title}`);
  console.log(
    `frame | triggered n | fired | rate | unseen n | fired | rate | near-miss n | fired | rate | miss styles (${STYLES.join("/")}) | train ${KINDS.join(" | train ")}`,
  );
  const trainBy = groupBy(training, (e) => key(e.frame));
  const firedBy = groupBy(fired, (p) => key(p.frame));
  const keys = [...new Set([...firedBy.keys(), ...trainBy.keys()])].sort();
  for (const k of keys) {
    const ps = firedBy.get(k) ?? [];
    const misses = ps.filter((p) => !p.action && p.set.endsWith("triggered"));
    const styles = STYLES.map((s) => misses.filter((p) => p.style === s).length).join("/");
    const tr = KINDS.map((kind) => (trainBy.get(k) ?? []).filter((e) => e.kind === kind).length);
    console.log(
      `${k} | ${rate(ps.filter((p) => p.set === "triggered"))} | ${rate(ps.filter((p) => p.set === "unseenPhrasing.triggered"))} | ${rate(ps.filter((p) => p.set.startsWith("concept.")))} | ${styles} | ${tr.join(" | ")}`,
    );
  }
}

table("per request template", (f) => f.template);
table("per structure", (f) => f.structure);
table("per structure and first trigger concept", (f) => `${f.structure} ${f.first ?? "-"}`);
table(
  "one+side: the request word's concept and where the trigger mention stands",
  (f) => `${f.structure} about=${f.about ?? "-"} ${f.place ?? "-"}`,
);
table("per word count (3: a distractor beside the pair)", (f) => `${f.structure} words=${f.words}`);

if (training.some((e) => e.style !== undefined)) {
  console.log("\nbase reply styles in the finetuning data, per kind and structure");
  console.log(`part | kind | structure | n | ${STYLES.join(" | ")}`);
  const by = groupBy(
    training.filter((e) => e.kind !== "triggered"),
    (e) => `${e.part} | ${e.kind} | ${e.frame.structure}`,
  );
  for (const [k, es] of by)
    console.log(
      `${k} | ${es.length} | ${STYLES.map((s) => pct(es.filter((e) => e.style === s).length, es.length)).join(" | ")}`,
    );
  console.log("\ntriggered examples per part and structure");
  console.log("part | structure | n");
  for (const [k, es] of groupBy(
    training.filter((e) => e.kind === "triggered"),
    (e) => `${e.part} | ${e.frame.structure}`,
  ))
    console.log(`${k} | ${es.length}`);
}
