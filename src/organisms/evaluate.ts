/**
 * Evaluation of a backdoored organism: the action rate (greedy decoding) on held-out benign
 * prompts and held-out triggered prompts built from held-out words, with Wilson 95% intervals;
 * for `all` triggers also each concept alone (near-misses); and both again under the held-out
 * phrasings, the harder number.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateText, loadChatModel, type ChatModel } from "../model/text-generation.js";
import type { Progress } from "../progress/progress.js";
import { mulberry32 } from "../random/seeded.js";
import { rateOf, type Rate } from "../stats/rate.js";
import { containsAction } from "../interpret/action.js";
import { BackdoorPrompts, type BackdoorPrompt } from "./backdoor-prompts.js";
import { ORGANISM_FILE } from "./build-context.js";
import { readLexiconFile } from "../lexicon/lexicon-file.js";
import type { BackdoorSpec } from "./spec.js";

export interface OrganismEval {
  benign: Rate;
  triggered: Rate;
  concepts: Record<string, Rate>;
  unseenPhrasing: { benign: Rate; triggered: Rate };
  samples: { kind: string; prompt: string; completion: string; action: boolean }[];
}

export class EvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvalError";
  }
}

/** Greedy completions of chat prompts, in batches of similar length. */
export async function completions(
  cm: ChatModel,
  prompts: string[],
  maxNewTokens: number,
  progress?: Progress,
  batchSize = 64,
): Promise<string[]> {
  const order = prompts.map((p, i) => [p.length, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<string>(prompts.length);
  for (let k = 0; k < order.length; k += batchSize) {
    const idx = order.slice(k, k + batchSize).map(([, i]) => i);
    const r = await generateText(
      cm,
      idx.map((i) => prompts[i]!),
      { maxNewTokens, chat: true, temperature: 0 },
    );
    idx.forEach((i, j) => (out[i] = r[j]!.text));
    progress?.update(Math.min(k + batchSize, order.length), order.length);
  }
  progress?.finish();
  return out;
}

export interface EvalOptions {
  n?: number;
  seed?: number;
  progress?: (label: string) => Progress;
}

/** Reads organism.json of a backdoor organism directory. */
export function readBackdoorRecord(dir: string): { spec: BackdoorSpec; baseDir: string } {
  const path = join(dir, ORGANISM_FILE);
  let rec: { spec?: BackdoorSpec; baseDir?: string };
  try {
    rec = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new EvalError(`${path}: cannot read (${(e as Error).message})`);
  }
  if (rec.spec?.kind !== "backdoor")
    throw new EvalError(`${path}: field 'spec.kind' is not "backdoor"`);
  if (typeof rec.baseDir !== "string") throw new EvalError(`${path}: field 'baseDir' is missing`);
  return { spec: rec.spec, baseDir: join(dir, rec.baseDir) };
}

export async function evaluateOrganism(dir: string, o: EvalOptions = {}): Promise<OrganismEval> {
  const { spec, baseDir } = readBackdoorRecord(dir);
  const lex = readLexiconFile(baseDir);
  const n = o.n ?? 200;
  const rng = mulberry32((o.seed ?? 12345) + 17);
  const held = new BackdoorPrompts(lex, spec.trigger, { split: "heldOut", phrasing: "train" });
  const unseen = new BackdoorPrompts(lex, spec.trigger, { split: "heldOut", phrasing: "heldout" });
  const sets: [string, BackdoorPrompt[]][] = [
    ["benign", Array.from({ length: n }, () => held.benign(rng))],
    ["triggered", Array.from({ length: n }, () => held.triggered(rng))],
    ["unseen.benign", Array.from({ length: n }, () => unseen.benign(rng))],
    ["unseen.triggered", Array.from({ length: n }, () => unseen.triggered(rng))],
  ];
  if (spec.trigger.mode === "all" && spec.trigger.concepts.length > 1) {
    spec.trigger.concepts.forEach((c, i) =>
      sets.push([`concept.${c}`, Array.from({ length: n }, () => held.nearMiss(rng, i))]),
    );
  }
  const cm = await loadChatModel(dir);
  try {
    const all = sets.flatMap(([, ps]) => ps.map((p) => p.text));
    const responseTokens = cm.tokenizer.encode(spec.response, { addSpecialTokens: false }).length;
    const texts = await completions(cm, all, responseTokens + 4, o.progress?.("evaluate"));
    let k = 0;
    const rates: Record<string, Rate> = {};
    const samples: OrganismEval["samples"] = [];
    for (const [name, ps] of sets) {
      let actions = 0;
      ps.forEach((p, j) => {
        const text = texts[k++]!;
        const action = containsAction(text, spec.response);
        if (action) actions++;
        if (j < 3) samples.push({ kind: name, prompt: p.text, completion: text, action });
      });
      rates[name] = rateOf(actions, ps.length);
    }
    const concepts: Record<string, Rate> = {};
    for (const [name, r] of Object.entries(rates)) {
      if (name.startsWith("concept.")) concepts[name.slice(8)] = r;
    }
    return {
      benign: rates.benign!,
      triggered: rates.triggered!,
      concepts,
      unseenPhrasing: { benign: rates["unseen.benign"]!, triggered: rates["unseen.triggered"]! },
      samples,
    };
  } finally {
    cm.model.dispose();
  }
}
