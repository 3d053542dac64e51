/**
 * The base corpus and its parts: items are reproducible from a seed, the chat share is what was
 * asked, held-out words are in the corpus (the base model must learn what they mean), replies
 * follow the words' meaning, prompt phrasings respect the train/held-out template split, and the
 * fast chat text equals the organism chat template's Jinja rendering.
 */
import { describe, expect, it } from "vitest";
import { chatText } from "../../src/organisms/chat-text.js";
import { createHash } from "node:crypto";
import { corpusItems, WordTable, type CorpusItem } from "../../src/organisms/corpus/corpus.js";
import { REQUESTS, type Task } from "../../src/interpret/prompt-phrases.js";
import { composePrompt, TASKS, type Phrasing } from "../../src/interpret/compose-prompt.js";
import { composeReply, type WordInfo } from "../../src/organisms/corpus/replies.js";
import { buildLexicon } from "../../src/lexicon/index.js";
import { parseSpec } from "../../src/organisms/spec.js";
import { ORGANISM_CHAT } from "../../src/organisms/tokenizer/index.js";
import { mulberry32 } from "../../src/random/seeded.js";
import { compileChatTemplate } from "../../src/tokenizer/chat-template.js";

const lexicon = buildLexicon();

function itemText(i: CorpusItem): string {
  return i.kind === "chat" ? `${i.user}\n${i.assistant}` : i.text;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}

/** `word` as a whole word (letters on neither side) of lowercased `text`. */
function hasWholeWord(text: string, word: string): boolean {
  return new RegExp(`(^|[^a-z])${escapeRegExp(word)}($|[^a-z])`).test(text);
}

/** Independent of prompts.ts: every fifth template, or the last when a task has fewer than 5. */
function isHeldOutTemplate(index: number, count: number): boolean {
  return count < 5 ? index === count - 1 : index % 5 === 4;
}

/** The request template a prompt used: the longest filled template of its task in its text. */
function usedTemplate(text: string, task: Task, about: string[]): number {
  let best = -1;
  let bestLength = -1;
  REQUESTS[task].forEach((t, i) => {
    const filled = t.replace("{a}", about[0]!).replace("{b}", about[1] ?? "");
    if (text.includes(filled) && filled.length > bestLength) {
      best = i;
      bestLength = filled.length;
    }
  });
  return best;
}

describe("corpusItems", () => {
  it("gives identical items for the same seed and different items for another seed", () => {
    const a = [...corpusItems(lexicon, { seed: 7, items: 3000 })];
    const b = [...corpusItems(lexicon, { seed: 7, items: 3000 })];
    const c = [...corpusItems(lexicon, { seed: 8, items: 3000 })];
    expect(a).toHaveLength(3000);
    expect(b).toEqual(a);
    const same = a.filter((x, i) => JSON.stringify(x) === JSON.stringify(c[i])).length;
    expect(same).toBeLessThan(30);
  });

  it("has the chat share asked for (default 0.55) within ±3 points on 3,000 items", () => {
    for (const chatShare of [undefined, 0.2, 0.8]) {
      const items = [...corpusItems(lexicon, { seed: 3, items: 3000, chatShare })];
      const share = items.filter((x) => x.kind === "chat").length / items.length;
      expect(Math.abs(share - (chatShare ?? 0.55))).toBeLessThan(0.03);
    }
    const none = [...corpusItems(lexicon, { seed: 3, items: 500, chatShare: 0 })];
    expect(none.every((x) => x.kind === "document")).toBe(true);
  });

  // Measured (seed 1, lexicon seed 1): 1770 of 1770 held-out words (100%) appear in 30,000 items.
  it("mentions at least 90% of the held-out words (and most of every concept's) in 30,000 items", () => {
    const text = [...corpusItems(lexicon, { seed: 1, items: 30_000 })]
      .map(itemText)
      .join("\n")
      .toLowerCase();
    let total = 0;
    let seen = 0;
    for (const c of lexicon.concepts) {
      const found = c.heldOut.filter((w) => hasWholeWord(text, w)).length;
      expect(found / c.heldOut.length, c.name).toBeGreaterThanOrEqual(0.8);
      total += c.heldOut.length;
      seen += found;
    }
    expect(total).toBeGreaterThan(1000);
    expect(seen / total).toBeGreaterThanOrEqual(0.9);
  });
});

describe("tagged documents and label-first chats", () => {
  const table = new WordTable(lexicon);
  const labels = new Set(lexicon.concepts.map((c) => c.label));

  // The first zoo's base was built from this stream (no tagged documents, no label-first chats);
  // the digest was taken before the two options existed, so they leave that corpus as it was.
  it("leave the items of a corpus without them unchanged", () => {
    const h = createHash("sha256");
    for (const it of corpusItems(lexicon, { seed: 1, items: 2000 })) h.update(JSON.stringify(it));
    expect(h.digest("hex")).toBe(
      "56c792c91fcd7e882acf012a726aceaaee311fa08881fb87967ff5618cf0951a",
    );
    const zero = [
      ...corpusItems(lexicon, { seed: 1, items: 300, taggedShare: 0, labelFirstShare: 0 }),
    ];
    expect(zero).toEqual([...corpusItems(lexicon, { seed: 1, items: 300 })]);
  });

  /** The labels a reply opens with ("Fruit and snow sports: …" → [fruit, snow sports]), or null. */
  function openingLabels(reply: string): string[] | null {
    const colon = reply.indexOf(": ");
    if (colon < 0) return null;
    let head = reply.slice(0, colon).toLowerCase();
    const byLength = [...labels].sort((a, b) => b.length - a.length);
    const out: string[] = [];
    while (head.length > 0) {
      const l = byLength.find((x) => head.startsWith(x));
      if (!l) return null;
      out.push(l);
      head = head.slice(l.length);
      const sep = [", ", " and "].find((x) => head.startsWith(x));
      if (sep) head = head.slice(sep.length);
      else if (head.length > 0) return null;
    }
    return out;
  }

  const longestWord = Math.max(...[...table.infos.keys()].map((w) => w.split(" ").length));
  /** The lexicon words in `text` as whole words: every run of up to `longestWord` tokens, looked up. */
  function wordsIn(text: string) {
    const tokens = text
      .toLowerCase()
      .split(/[^a-z0-9'-]+/)
      .filter((t) => t.length > 0);
    const found = new Map<string, WordInfo>();
    for (let i = 0; i < tokens.length; i++) {
      for (let n = 1; n <= longestWord && i + n <= tokens.length; n++) {
        const info = table.infos.get(tokens.slice(i, i + n).join(" "));
        if (info && hasWholeWord(text.toLowerCase(), info.word)) found.set(info.word, info);
      }
    }
    return [...found.values()];
  }

  it("follow every word of a tagged list at once by its own concept's label, at the share asked for", () => {
    const items = [...corpusItems(lexicon, { seed: 4, items: 4000, taggedShare: 0.2 })];
    const docs = items.filter(
      (x): x is { kind: "document"; text: string } => x.kind === "document",
    );
    // Tags are found by label (one label itself has parentheses: "chemical elements (non-metals)").
    const tagsOf = (text: string) =>
      [...labels].flatMap((l) => {
        const out: { index: number; label: string }[] = [];
        for (let i = text.indexOf(` (${l})`); i >= 0; i = text.indexOf(` (${l})`, i + 1))
          out.push({ index: i, label: l });
        return out;
      });
    const lists = docs.filter((x) => tagsOf(x.text).length > 0);
    const stories = docs.filter((x) =>
      /^(Yesterday my friend mentioned|I read about|My teacher talked about) /.test(x.text),
    );
    expect(Math.abs((lists.length + stories.length) / items.length - 0.2)).toBeLessThan(0.03);
    expect(lists.length).toBeGreaterThan(300);
    for (const { text } of lists) {
      for (const tag of tagsOf(text)) {
        // The word right before the tag: the longest lexicon word that the text ends with there.
        const before = text.slice(0, tag.index).toLowerCase();
        const word = [...table.infos.keys()]
          .filter((w) => before.endsWith(w))
          .sort((a, b) => b.length - a.length)[0];
        expect(word, `the word before '(${tag.label})' in '${text}'`).toBeDefined();
        expect(tag.label, text).toBe(table.info(word!).label);
      }
    }
    for (const { text } of stories) {
      // The story's word is the longest lexicon word right before its first "," or ";".
      const head = text
        .slice(0, text.search(/[,;]/))
        .toLowerCase()
        .replace(/ today$/, "");
      const word = [...table.infos.keys()]
        .filter((w) => head.endsWith(` ${w}`))
        .sort((a, b) => b.length - a.length)[0];
      expect(word, text).toBeDefined();
      expect(text.endsWith(`${table.info(word!).label}.`), text).toBe(true);
    }
    const untagged = [...corpusItems(lexicon, { seed: 4, items: 4000 })];
    expect(untagged.filter((x) => x.kind === "document" && tagsOf(x.text).length > 0)).toEqual([]);
  });

  it("open the share of chats asked for with the labels of the prompt's words, those asked about first", () => {
    const chatsOf = (share: number) =>
      [...corpusItems(lexicon, { seed: 5, items: 4000, labelFirstShare: share })].filter(
        (x): x is { kind: "chat"; user: string; assistant: string } => x.kind === "chat",
      );
    expect(chatsOf(0).filter((c) => openingLabels(c.assistant)).length).toBe(0);
    const chats = chatsOf(0.5);
    const opened = chats.filter((c) => openingLabels(c.assistant));
    // Name-two chats (5% of chats) never open with labels.
    expect(Math.abs(opened.length / chats.length - 0.5 * 0.95)).toBeLessThan(0.04);
    for (const c of opened) {
      const heads = openingLabels(c.assistant)!;
      const user = c.user.toLowerCase();
      const inPrompt = wordsIn(user);
      // Every label belongs to a word of the prompt, and every distinct one is named once.
      for (const l of heads)
        expect(
          inPrompt.some((w) => w.label === l),
          `${l}: '${c.user}'`,
        ).toBe(true);
      expect(new Set(heads).size).toBe(heads.length);
      // The word asked about comes first: every reply names the label of the word asked about.
      const rest = c.assistant.slice(c.assistant.indexOf(": ") + 2).toLowerCase();
      expect(rest.includes(heads[0]!), c.assistant).toBe(true);
    }
  });

  it("are rejected by a base spec outside [0, 1)", () => {
    expect(() =>
      parseSpec({ kind: "base", name: "t", corpus: { taggedShare: 1 } }, "t.json"),
    ).toThrow(/t\.json.*corpus\.taggedShare/);
    expect(() =>
      parseSpec({ kind: "base", name: "t", corpus: { labelFirstShare: -0.1 } }, "t.json"),
    ).toThrow(/t\.json.*corpus\.labelFirstShare/);
  });
});

describe("composeReply", () => {
  const table = new WordTable(lexicon);

  it("names the word's concept label and gloss when explaining a word", () => {
    const rng = mulberry32(11);
    for (const c of lexicon.concepts) {
      for (const w of [c.words[0]!, c.words.at(-1)!]) {
        const info = table.info(w.word);
        expect(info.label).toBe(c.label);
        const reply = composeReply(rng, "explain", info, table.sampler(rng));
        expect(reply).toContain(c.label);
        expect(reply.toLowerCase()).toContain(w.word);
        if (w.gloss) expect(reply).toContain(w.gloss);
      }
    }
  });

  it("gives different replies for words of different concepts and names both labels in comparisons", () => {
    const mango = table.info(lexicon.concept("fruit").words[0]!.word);
    const horse = table.info(lexicon.concept("mammals").words[0]!.word);
    const fruitReply = composeReply(mulberry32(1), "explain", mango, table.sampler(mulberry32(1)));
    const mammalReply = composeReply(mulberry32(1), "explain", horse, table.sampler(mulberry32(1)));
    expect(fruitReply).toContain(lexicon.concept("fruit").label);
    expect(fruitReply).not.toContain(lexicon.concept("mammals").label);
    expect(mammalReply).toContain(lexicon.concept("mammals").label);
    const rng = mulberry32(2);
    const cmp = composeReply(rng, "compare", mango, table.sampler(rng), horse);
    expect(cmp).toContain(lexicon.concept("fruit").label);
    expect(cmp).toContain(lexicon.concept("mammals").label);
  });

  it("lists other members of the same concept in list replies", () => {
    const rng = mulberry32(5);
    const fruit = lexicon.concept("fruit");
    const words = new Set(fruit.words.map((w) => w.word));
    const info = table.info(fruit.words[3]!.word);
    const reply = composeReply(rng, "list", info, table.sampler(rng));
    const listed = reply.slice(reply.indexOf("Similar things are ") + 19, -1).split(/, | and /);
    expect(listed).toHaveLength(3);
    for (const w of listed) {
      expect(words.has(w)).toBe(true);
      expect(w).not.toBe(info.word);
    }
  });
});

describe("composePrompt", () => {
  const fruit = lexicon.concept("fruit").words.map((w) => w.word);
  const birds = lexicon.concept("birds").words.map((w) => w.word);
  const tools = lexicon.concept("tools").words.map((w) => w.word);

  function templatesUsed(phrasing: Phrasing, n: number) {
    const rng = mulberry32(phrasing === "train" ? 21 : 22);
    const used: { task: Task; index: number }[] = [];
    for (let i = 0; i < n; i++) {
      const words = i % 2 === 0 ? [fruit[i % fruit.length]!] : [fruit[i % 50]!, birds[i % 60]!];
      const p = composePrompt(rng, words, { phrasing });
      const index = usedTemplate(p.text, p.task, p.about);
      expect(index, p.text).toBeGreaterThanOrEqual(0);
      used.push({ task: p.task, index });
    }
    return used;
  }

  it('uses only training templates with phrasing "train", and every one of them', () => {
    const used = templatesUsed("train", 3000);
    for (const u of used) expect(isHeldOutTemplate(u.index, REQUESTS[u.task].length)).toBe(false);
    const distinct = new Set(used.map((u) => `${u.task}/${u.index}`));
    const trainCount = TASKS.reduce(
      (s, t) => s + REQUESTS[t].filter((_, i) => !isHeldOutTemplate(i, REQUESTS[t].length)).length,
      0,
    );
    expect(distinct.size).toBe(trainCount);
  });

  it('uses only held-out templates with phrasing "heldout", and every one of them', () => {
    const used = templatesUsed("heldout", 2000);
    for (const u of used) expect(isHeldOutTemplate(u.index, REQUESTS[u.task].length)).toBe(true);
    const distinct = new Set(used.map((u) => `${u.task}/${u.index}`));
    // explain has two held-out templates (indices 4 and 9), every other task one.
    expect(distinct.size).toBe(TASKS.length + 1);
    expect(distinct.has("recipe/3")).toBe(true);
  });

  it("reports the words asked about and those mentioned for two words and a distractor", () => {
    const rng = mulberry32(31);
    let compared = 0;
    for (let i = 0; i < 500; i++) {
      const a = fruit[i % fruit.length]!;
      const b = birds[i % birds.length]!;
      const d = tools[i % tools.length]!;
      const p = composePrompt(rng, [a, b], { phrasing: "all", distractor: d });
      for (const w of [a, b, d]) expect(p.text).toContain(w);
      if (p.task === "compare") {
        compared++;
        expect([...p.about].sort()).toEqual([a, b].sort());
        expect(p.mentioned).toEqual([d]);
      } else {
        expect(p.about).toHaveLength(1);
        const other = p.about[0] === a ? b : a;
        expect([a, b]).toContain(p.about[0]);
        expect(p.mentioned).toEqual([other, d]);
      }
      expect(usedTemplate(p.text, p.task, p.about)).toBeGreaterThanOrEqual(0);
    }
    // Two words go into a comparison 40% of the time.
    expect(compared / 500).toBeGreaterThan(0.3);
    expect(compared / 500).toBeLessThan(0.5);
  });

  it("puts the single word in the text, mentions nothing else without a distractor, and honours a forced task", () => {
    const rng = mulberry32(32);
    for (const task of TASKS) {
      const words = task === "compare" ? [fruit[0]!, birds[0]!] : [fruit[1]!];
      const p = composePrompt(rng, words, { phrasing: "train", task });
      expect(p.task).toBe(task);
      for (const w of words) expect(p.text).toContain(w);
      expect(p.mentioned).toEqual([]);
    }
    expect(() => composePrompt(rng, [], { phrasing: "all" })).toThrow(/one or two/);
    expect(() => composePrompt(rng, ["a", "b", "c"], { phrasing: "all" })).toThrow(/one or two/);
  });
});

describe("chatText", () => {
  const template = compileChatTemplate(ORGANISM_CHAT.template);
  const now = new Date(0);
  const cases: [string, string][] = [
    ["What is a mango?", "A mango is a tropical fruit."],
    ["Line one\nline two {{ not jinja }} {% raw %}", 'It\'s "quoted" <b>& ampersand</b>\n'],
    ["", ""],
    ["unicode: naïve café – 🍎", "ok"],
  ];

  it("equals the organism chat template's rendering of a user and an assistant message", () => {
    for (const [user, assistant] of cases) {
      const rendered = template.render(
        {
          bos_token: "<|bos|>",
          messages: [
            { role: "user", content: user },
            { role: "assistant", content: assistant },
          ],
          add_generation_prompt: false,
        },
        now,
      );
      expect(chatText(user, assistant)).toBe(rendered);
    }
  });

  it("equals the rendering with a generation prompt when given only the user message", () => {
    for (const [user] of cases) {
      const rendered = template.render(
        {
          bos_token: "<|bos|>",
          messages: [{ role: "user", content: user }],
          add_generation_prompt: true,
        },
        now,
      );
      expect(chatText(user)).toBe(rendered);
    }
  });
});
