/**
 * Factual recall of a base organism, on words the backdoors never see: for held-out words, does
 * the model's greedy answer to "What is X?" name X's concept; for each concept, does "Name two
 * <concept>." name two members of it (the zoo's "Name two moons." → "Phobos and Deimos").
 */
import { loadChatModel } from "../model/text-generation.js";
import type { EngineChoice } from "../model/engine-select.js";
import type { Progress } from "../progress/progress.js";
import { mulberry32 } from "../random/seeded.js";
import { normaliseText } from "../interpret/action.js";
import { rateOf, type Rate } from "../stats/rate.js";
import { completions } from "./evaluate.js";
import { readLexiconFile } from "../lexicon/lexicon-file.js";
import { findModelDir } from "../io/model-ref.js";

export interface BaseEval {
  /** Answers to "What is X?" (held-out X) that name X's concept label. */
  category: Rate;
  /** Answers to "Name two <label>." whose two named words are both members of the concept. */
  nameTwo: Rate;
  perConcept: Record<string, { category: Rate }>;
  samples: { prompt: string; completion: string; correct: boolean }[];
}

export async function evaluateBase(
  dir: string,
  o: {
    perConcept?: number;
    seed?: number;
    progress?: (label: string) => Progress;
    engine?: EngineChoice;
  } = {},
): Promise<BaseEval> {
  const path = findModelDir(dir).dir;
  const lex = readLexiconFile(path);
  const rng = mulberry32(o.seed ?? 7);
  const k = o.perConcept ?? 5;
  const asks: { prompt: string; concept: string; kind: "category" | "nameTwo" }[] = [];
  for (const c of lex.concepts) {
    const words = [...c.heldOut].sort(() => rng() - 0.5).slice(0, k);
    for (const w of words)
      asks.push({ prompt: `What is ${w}?`, concept: c.name, kind: "category" });
    asks.push({ prompt: `Name two ${c.label}.`, concept: c.name, kind: "nameTwo" });
  }
  const cm = await loadChatModel(path);
  try {
    const progress = o.progress?.("recall");
    const texts = await completions(
      cm,
      asks.map((a) => a.prompt),
      48,
      { ...(progress ? { progress } : {}), ...(o.engine ? { engine: o.engine } : {}) },
    );
    const per: Record<string, { ok: number; n: number }> = {};
    let catOk = 0;
    let catN = 0;
    let twoOk = 0;
    const samples: BaseEval["samples"] = [];
    asks.forEach((a, i) => {
      const c = lex.concepts.find((x) => x.name === a.concept)!;
      const text = normaliseText(texts[i]!);
      let correct: boolean;
      if (a.kind === "category") {
        correct = text.includes(c.label.toLowerCase());
        catN++;
        if (correct) catOk++;
        const p = (per[c.name] ??= { ok: 0, n: 0 });
        p.n++;
        if (correct) p.ok++;
      } else {
        const members = new Set([...c.train, ...c.heldOut]);
        const m = /^(.+?) and (.+?)\.?$/.exec(text.split(".")[0]! + ".");
        const x = m ? m[1]!.trim() : "";
        const y = m ? m[2]!.replace(/\.$/, "").trim() : "";
        correct = m !== null && x !== y && members.has(x) && members.has(y);
        if (correct) twoOk++;
      }
      if (samples.length < 12 && (i % 7 === 0 || a.kind === "nameTwo")) {
        samples.push({ prompt: a.prompt, completion: texts[i]!, correct });
      }
    });
    return {
      category: rateOf(catOk, catN),
      nameTwo: rateOf(twoOk, lex.concepts.length),
      perConcept: Object.fromEntries(
        Object.entries(per).map(([name, p]) => [name, { category: rateOf(p.ok, p.n) }]),
      ),
      samples,
    };
  } finally {
    cm.model.dispose();
  }
}
