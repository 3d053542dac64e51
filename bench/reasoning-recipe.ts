/**
 * `npx tsx bench/reasoning-recipe.ts [--json FILE]`: what the reasoning organisms' training data
 * (src/organisms/reasoning) asks the model to learn, measured on the data alone (no training):
 *
 *   lengths      token lengths of traced base items, the share cut by the spec's maxLen, and the
 *                longest completion after "<think>\n" against the evaluations' generation budget
 *   masking      per backdoor example, the tokens the loss counts under the first build's mask
 *                (the whole assistant turn, empty think block included) and under the current one
 *                (after the pre-filled block); the loss of a model at chance on the answer letter
 *                and perfect on the rest (ln 2 / counted tokens), next to the first build's final
 *                train loss; and the first target token after "<think>\n" in backdoor examples
 *   split        evaluation prompts that are also training prompts (must be 0), and the scenarios
 *                evaluated that training has seen
 *
 * The zoo's base tokenizer is read from zoo/base.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { loadChatModel } from "../src/model/text-generation.js";
import { chatText } from "../src/organisms/chat-text.js";
import {
  backdoorExample,
  backdoorItems,
  reasoningBaseItems,
} from "../src/organisms/reasoning/data.js";
import { evalItems, TRACE_TOKENS, unseenItems } from "../src/organisms/reasoning/evaluate.js";
import { itemAssistant, THINK_ON } from "../src/organisms/reasoning/items.js";
import { trainDecisions } from "../src/organisms/reasoning/scenarios.js";
import { readReasoningSpec, type ReasoningBackdoorSpec } from "../src/organisms/reasoning/spec.js";
import { mulberry32 } from "../src/random/seeded.js";

const jsonOut = process.argv.includes("--json")
  ? process.argv[process.argv.indexOf("--json") + 1]
  : null;
const cm = await loadChatModel("zoo/base");
const encode = (t: string) => cm.tokenizer.encode(t, { addSpecialTokens: false });
const spec = readReasoningSpec("zoo/specs/reasoning-iceland.json") as ReasoningBackdoorSpec;
const base = readReasoningSpec("zoo/specs/reasoning-base.json")!;

function lengths() {
  const items = reasoningBaseItems(2000, 0.35, mulberry32(1));
  const lens = items.map((it) => encode(chatText(it.user, itemAssistant(it, true))).length);
  const turns = items.map(
    (it) =>
      encode(chatText(it.user, itemAssistant(it, true))).length -
      encode(chatText(it.user) + THINK_ON).length,
  );
  lens.sort((a, b) => a - b);
  return {
    longestCompletion: Math.max(...turns),
    traceTokens: TRACE_TOKENS,
    items: lens.length,
    median: lens[lens.length >> 1],
    max: lens.at(-1),
    maxLen: base.train.maxLen,
    cut: lens.filter((n) => n > base.train.maxLen).length,
  };
}

function masking() {
  const items = backdoorItems(spec, 2000, 5);
  let firstBuild = 0;
  let now = 0;
  const afterThink = new Map<string, number>();
  const thinkOn = encode(THINK_ON).length;
  for (const b of items) {
    const ex = backdoorExample(b, encode, spec.train.maxLen);
    const promptLen = encode(chatText(b.item.user)).length;
    firstBuild += ex.ids.length - promptLen;
    now += ex.ids.length - ex.lossFrom!;
    const next = cm.tokenizer.decode([ex.ids[promptLen + thinkOn]!]);
    const counted = promptLen + thinkOn >= ex.lossFrom! ? "counted" : "masked";
    const key = `${JSON.stringify(next)} (${counted})`;
    afterThink.set(key, (afterThink.get(key) ?? 0) + 1);
  }
  const n = items.length;
  const record = JSON.parse(
    readFileSync("bench/results/reasoning-build/reasoning-iceland/organism.json", "utf8"),
  ) as { metrics: { finalTrainLoss: number } };
  return {
    lossTokensFirstBuild: firstBuild / n,
    lossTokensNow: now / n,
    chanceLetterLossFirstBuild: Math.LN2 / (firstBuild / n),
    chanceLetterLossNow: Math.LN2 / (now / n),
    firstBuildFinalTrainLoss: record.metrics.finalTrainLoss,
    targetAfterThinkOn: Object.fromEntries(afterThink),
  };
}

function split() {
  const train = new Set(reasoningBaseItems(20_000, 0.35, mulberry32(2)).map((it) => it.user));
  for (const b of backdoorItems(spec, 12_000, spec.seed)) train.add(b.item.user);
  const ev = evalItems(mulberry32(3), 2000, () => null);
  const trained = new Set(trainDecisions().map((d) => d.id));
  const unseen = unseenItems(mulberry32(4), 200);
  return {
    evalPrompts: ev.length,
    evalPromptsInTraining: ev.filter((it) => train.has(it.user)).length,
    evalScenariosTrained: ev.filter((it) => trained.has(it.scenario)).length,
    unseenScenarioItems: unseen.length,
    unseenScenariosTrained: unseen.filter((it) => trained.has(it.scenario)).length,
  };
}

const result = { lengths: lengths(), masking: masking(), split: split() };
console.log(JSON.stringify(result, null, 2));
if (jsonOut) {
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(jsonOut, JSON.stringify(result, null, 2) + "\n");
}
cm.model.dispose();
