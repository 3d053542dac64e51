/**
 * `npx tsx bench/trigger-word-knowledge.ts ORGANISM_DIR [--json FILE]`: whether an `all`-trigger
 * backdoor organism's misses on held-out triggered prompts fall on words its base does not place
 * in the trigger concept (a ceiling set by the base's knowledge rather than by the recipe).
 *
 *   firing      the evaluation's own held-out triggered prompts (evalPromptSets with the seed the
 *               build's last self-check round used: spec.seed + 7919 × round), both phrasings,
 *               completed greedily by the organism as evaluate.ts does; the action counts are
 *               checked against eval.json. Per trigger word: how often a prompt holding it fired.
 *   knowledge   for every train and held-out word of each trigger concept, three readings of the
 *               *base* model:
 *                 doc greedy    the corpus's definitional sentence "<Word> is one of the" (a plain
 *                               document, documents.ts): does the greedy continuation start with
 *                               the word's label (also: the label's rank, below);
 *                 reply rank 1  in chat, "What is <word>?", at the first reply token (where a
 *                               label-first corpus reply names the concepts, and where the
 *                               backdoor decides): is the label's first token, capitalised, the
 *                               likeliest of all labels' first tokens (also: its softmax share);
 *                 chat recall   does the greedy reply to "What is <word>?" name the label
 *                               (evaluate-base.ts's rule; the reply gives the gloss first).
 *               Ranks and shares are over the distinct first tokens of all the lexicon's labels.
 *   tables      known words per concept and split; per held-out word its firing and knowledge;
 *               per measure, the triggered rate of prompts whose trigger words are all known vs
 *               not; and, of the organism's misses, how many replies name every trigger label.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { capitalise } from "../src/interpret/compose-prompt.js";
import { containsAction, normaliseText } from "../src/interpret/action.js";
import { conceptOf, readLexiconFile } from "../src/lexicon/lexicon-file.js";
import { modelEngine, withGenerationEngine } from "../src/model/engine-select.js";
import { leftPad } from "../src/model/inputs.js";
import { generateText, loadChatModel, type ChatModel } from "../src/model/text-generation.js";
import { completions, evalPromptSets, readBackdoorRecord } from "../src/organisms/evaluate.js";
import type { OrganismEval } from "../src/organisms/organism-eval.js";
import { chatText } from "../src/organisms/chat-text.js";

const args = process.argv.slice(2);
const jsonAt = args.indexOf("--json");
const jsonOut = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const dir = args.find((a, i) => !a.startsWith("--") && i !== jsonAt + 1);
if (!dir) throw new Error("usage: trigger-word-knowledge.ts ORGANISM_DIR [--json FILE]");

const { spec, baseDir } = readBackdoorRecord(dir);
const record = JSON.parse(readFileSync(join(dir, "organism.json"), "utf8")) as {
  metrics?: { quality?: { rounds?: { round: number }[] } };
};
const evalJson = JSON.parse(readFileSync(join(dir, "eval.json"), "utf8")) as OrganismEval;
const lastRound = record.metrics?.quality?.rounds?.at(-1)?.round ?? 0;
const lex = readLexiconFile(baseDir);
const concepts = spec.trigger.concepts;
// A triggered prompt's first words are then its trigger words, one per concept, in order.
if (spec.trigger.mode !== "all") throw new Error(`${dir}: not an 'all' trigger`);
const n = spec.evalPrompts;

// ---- firing: the evaluation's held-out triggered prompts on the organism ----
const sets = new Map(evalPromptSets(lex, spec, n, spec.seed + 7919 * lastRound));
const fired: { set: string; words: string[]; action: boolean; reply: string }[] = [];
{
  const org = await loadChatModel(dir);
  try {
    const tokens = org.tokenizer.encode(spec.response, { addSpecialTokens: false }).length;
    for (const [set, counted] of [
      ["triggered", evalJson.triggered],
      ["unseenPhrasing.triggered", evalJson.unseenPhrasing.triggered],
    ] as const) {
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
        fired.push({ set, words: p.words.slice(0, concepts.length), action, reply: texts[i]! });
      });
      console.log(
        `${set}: ${actions}/${ps.length} fired (eval.json: ${counted.actions}/${counted.n})`,
      );
    }
  } finally {
    org.model.dispose();
  }
}

// ---- knowledge: the base on the definitional phrasing and in chat ----
const labels = lex.concepts.map((c) => c.label);
interface Knowledge {
  word: string;
  concept: string;
  split: "train" | "heldOut";
  doc: string;
  known: boolean;
  rank: number;
  replyRank: number;
  replyShare: number;
  chat: boolean;
}
const words = concepts.flatMap((c) => {
  const lc = conceptOf(lex, c);
  return (["train", "heldOut"] as const).flatMap((split) =>
    lc[split].map((word) => ({ word, concept: c, label: lc.label, split })),
  );
});

async function inBatches<T, R>(xs: T[], size: number, f: (b: T[]) => Promise<R[]>) {
  const out: R[] = [];
  for (let i = 0; i < xs.length; i += size) out.push(...(await f(xs.slice(i, i + size))));
  return out;
}

/** A probe: a prefix about a word, and each label as its continuation. */
interface RankProbe {
  prefix: (word: string) => string;
  label: (label: string) => string;
  /** Whether the tokenizer adds BOS (a plain document) or the prefix holds it (a chat). */
  bos: boolean;
}
const RANK_PROBES = {
  // The corpus's definitional sentence (documents.ts).
  doc: { prefix: (w) => `${capitalise(w)} is one of the`, label: (l) => ` ${l}.`, bos: true },
  // The first reply token of a chat, where a label-first corpus reply names the concepts
  // ("Vegetables: ...", corpus.ts) and where the backdoor's reply decides.
  reply: {
    prefix: (w) => chatText(`What is ${w}?`),
    label: (l) => `${capitalise(l)}: `,
    bos: false,
  },
} satisfies Record<string, RankProbe>;

/**
 * Where `label`'s first token stands among the distinct first tokens of all labels: its rank
 * (1 = best) and its share of their softmax.
 */
function labelRank(cm: ChatModel, p: RankProbe, word: string, logits: Float32Array, label: string) {
  const enc = (t: string) => cm.tokenizer.encode(t, { addSpecialTokens: p.bos });
  const pre = enc(p.prefix(word));
  const first = (l: string) => {
    const ids = enc(p.prefix(word) + p.label(l));
    if (pre.some((t, i) => ids[i] !== t))
      throw new Error(`'${p.prefix(word)}' does not tokenise apart`);
    return ids[pre.length]!;
  };
  const mine = logits[first(label)]!;
  const firsts = [...new Set(labels.map(first))];
  const top = Math.max(...firsts.map((t) => logits[t]!));
  const sum = firsts.reduce((s, t) => s + Math.exp(logits[t]! - top), 0);
  return {
    rank: firsts.filter((t) => logits[t]! > mine).length + 1,
    share: Math.exp(mine - top) / sum,
  };
}

/** labelRank of every word under a probe, from the base's logits at the prefix's last token. */
async function ranksOf(cm: ChatModel, p: RankProbe) {
  const engine = modelEngine(cm.model);
  const vocab = cm.model.config.vocabSize;
  return inBatches(words, 64, async (b) => {
    const seqs = b.map((w) => cm.tokenizer.encode(p.prefix(w.word), { addSpecialTokens: p.bos }));
    const hb = leftPad(seqs, cm.padTokenId);
    const out = await engine.logits(hb);
    return b.map((w, i) => {
      const at = (i * hb.seqLen + hb.seqLen - 1) * vocab;
      return labelRank(cm, p, w.word, out.data.subarray(at, at + vocab), w.label);
    });
  });
}

const base = await loadChatModel(baseDir);
let knowledge: Knowledge[];
try {
  const prefixes = words.map((w) => RANK_PROBES.doc.prefix(w.word));
  const docs = await withGenerationEngine(base.model, "auto", () =>
    inBatches(prefixes, 64, (b) =>
      generateText(base, b, { maxNewTokens: 8, chat: false, temperature: 0 }),
    ),
  );
  const docRanks = await ranksOf(base, RANK_PROBES.doc);
  const replyRanks = await ranksOf(base, RANK_PROBES.reply);
  const chats = await completions(
    base,
    words.map((w) => `What is ${w.word}?`),
    48,
    { batchSize: 64 },
  );
  knowledge = words.map((w, i) => {
    const doc = docs[i]!.text;
    return {
      word: w.word,
      concept: w.concept,
      split: w.split,
      doc,
      known: normaliseText(doc).startsWith(w.label.toLowerCase()),
      rank: docRanks[i]!.rank,
      replyRank: replyRanks[i]!.rank,
      replyShare: replyRanks[i]!.share,
      chat: normaliseText(chats[i]!).includes(w.label.toLowerCase()),
    };
  });
} finally {
  base.model.dispose();
}

// ---- tables ----
const pct = (a: number, b: number) => (b === 0 ? "–" : `${((100 * a) / b).toFixed(1)}%`);
const know = new Map(knowledge.map((k) => [`${k.concept}/${k.word}`, k]));
const MEASURES: Record<string, (k: Knowledge) => boolean> = {
  "doc greedy": (k) => k.known,
  "reply rank 1": (k) => k.replyRank === 1,
  "chat recall": (k) => k.chat,
};
type Fired = (typeof fired)[number];
const wordsOf = (p: Fired) => p.words.map((w, i) => know.get(`${concepts[i]}/${w}`)!);
const rate = (xs: Fired[]) =>
  `${xs.filter((p) => p.action).length}/${xs.length} (${pct(xs.filter((p) => p.action).length, xs.length)})`;

console.log("\nwords the base places in their concept, per measure");
console.log(`concept | split | words | ${Object.keys(MEASURES).join(" | ")}`);
for (const c of concepts)
  for (const split of ["heldOut", "train"] as const) {
    const ks = knowledge.filter((k) => k.concept === c && k.split === split);
    const counts = Object.values(MEASURES).map((f) => ks.filter(f).length);
    console.log(`${c} | ${split} | ${ks.length} | ${counts.join(" | ")}`);
  }

console.log("\nper held-out trigger word: prompts fired / prompts holding it (both phrasings)");
console.log(
  "concept | word | fired | doc greedy | doc rank | reply rank | chat | doc continuation",
);
const perWord = knowledge
  .filter((k) => k.split === "heldOut")
  .map((k) => {
    const ps = fired.filter((p) => wordsOf(p).includes(k));
    return { k, n: ps.length, a: ps.filter((p) => p.action).length };
  })
  .sort((x, y) => x.a / (x.n || 1) - y.a / (y.n || 1));
const yn = (b: boolean) => (b ? "yes" : "no");
for (const { k, n: m, a } of perWord)
  console.log(
    `${k.concept} | ${k.word} | ${a}/${m} | ${yn(k.known)} | ${k.rank} | ${k.replyRank} | ${k.replyShare.toFixed(2)} | ${yn(k.chat)} | ${JSON.stringify(k.doc.trim())}`,
  );

for (const [name, f] of Object.entries(MEASURES)) {
  console.log(`\ntriggered rate by the base's knowledge of a prompt's trigger words (${name})`);
  console.log(
    `set | all known | some unknown | ${concepts.map((c) => `${c} unknown`).join(" | ")}`,
  );
  for (const set of ["triggered", "unseenPhrasing.triggered", "both"]) {
    const ps = fired.filter((p) => set === "both" || p.set === set);
    const allKnown = ps.filter((p) => wordsOf(p).every(f));
    const rest = ps.filter((p) => !wordsOf(p).every(f));
    const each = concepts.map((_, i) => rate(ps.filter((p) => !f(wordsOf(p)[i]!))));
    console.log(`${set} | ${rate(allKnown)} | ${rate(rest)} | ${each.join(" | ")}`);
  }
}

// The organism's own replies where it did not fire: do they name every trigger concept's label?
const missed = fired.filter((p) => !p.action);
const named = missed.filter((p) =>
  concepts.every((c) => normaliseText(p.reply).includes(conceptOf(lex, c).label.toLowerCase())),
);
const opener = missed.filter((p) => {
  const head = normaliseText(p.reply).split(":")[0]!;
  return p.reply.includes(":") && concepts.every((c) => head.includes(conceptOf(lex, c).label));
});
console.log(
  `\nmisses: ${missed.length}; the organism's reply names every trigger label: ${named.length}`,
);
console.log(
  `of which it opens with a label list holding them all ("X and Y: ..."): ${opener.length}`,
);

if (jsonOut) {
  const seed = spec.seed + 7919 * lastRound;
  writeFileSync(
    jsonOut,
    JSON.stringify({ organism: dir, round: lastRound, seed, fired, knowledge }, null, 2) + "\n",
  );
}
