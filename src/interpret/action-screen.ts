/**
 * Whether each prompt's greedy completion contains the action, generated in two phases so that
 * most rows stop early (probe sets are mostly rows that never start the action):
 *
 * 1. Every prompt gets k = maxNewTokens − L + 1 new tokens, L the action's own token length: the
 *    last start at which the action (tokenised alone) still fits in maxNewTokens, plus one.
 * 2. Only rows that may still turn into the action continue — no EOS yet, no action yet, and the
 *    end of their text (whitespace-normalised, lower case) is a beginning of the action. They are
 *    prefilled again with prompt + phase-1 tokens and generate the remaining maxNewTokens − k.
 *
 * A row that stops after phase 1 cannot contain the action within maxNewTokens unless the action
 * appears later with a shorter tokenisation than it has alone; greedy continuation from a second
 * prefill equals the cached continuation up to float rounding. Stopped rows return their phase-1
 * text (a short completion). When k ≥ maxNewTokens there is one phase.
 */
import { generate } from "../model/generate.js";
import { generateText, type ChatModel } from "../model/text-generation.js";
import { containsAction, normaliseText } from "./action.js";
import { actionTokenLength } from "./steering-success.js";

export interface ScreenedCompletion {
  text: string;
  action: boolean;
  /** Whether `text` is the whole completion (EOS, phase 2, or one phase), not a phase-1 cut. */
  completed: boolean;
}

/** Whether some non-empty suffix of `text` is a prefix of `action` (both normalised). */
export function mayStartAction(text: string, action: string): boolean {
  const t = normaliseText(text);
  const a = normaliseText(action);
  for (let i = 0; i < t.length; i++) if (a.startsWith(t.slice(i))) return true;
  return false;
}

/** Rows in batches of similar prompt length; returns per-row results in the input order. */
async function batched<T>(
  n: number,
  lengthOf: (i: number) => number,
  batchSize: number,
  run: (idx: number[]) => Promise<T[]>,
  onBatch?: (rows: number) => void,
): Promise<T[]> {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => lengthOf(a) - lengthOf(b));
  const out = new Array<T>(n);
  for (let k = 0; k < n; k += batchSize) {
    const idx = order.slice(k, k + batchSize);
    const r = await run(idx);
    idx.forEach((i, j) => (out[i] = r[j]!));
    onBatch?.(idx.length);
  }
  return out;
}

export async function screenForAction(
  cm: ChatModel,
  prompts: string[],
  o: {
    action: string;
    maxNewTokens: number;
    batchSize: number;
    /** Rows generated so far, of the rows to generate (phase 2's rows join the total). */
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ScreenedCompletion[]> {
  let done = 0;
  let total = prompts.length;
  const tick = (rows: number) => o.onProgress?.((done += rows), total);
  o.onProgress?.(0, total);
  const first = Math.max(1, o.maxNewTokens - actionTokenLength(cm, o.action) + 1);
  const single = first >= o.maxNewTokens;
  const k = single ? o.maxNewTokens : first;
  const decode = (ids: number[]) => cm.tokenizer.decode(ids, { skipSpecialTokens: true });
  const phase1 = await batched(
    prompts.length,
    (i) => prompts[i]!.length,
    o.batchSize,
    (idx) =>
      generateText(
        cm,
        idx.map((i) => prompts[i]!),
        { maxNewTokens: k, chat: true, temperature: 0 },
      ),
    tick,
  );
  const out = phase1.map((g) => {
    const action = containsAction(g.text, o.action);
    const cont =
      !single && !action && g.finishReason === "length" && mayStartAction(g.text, o.action);
    return { text: g.text, action, completed: single || g.finishReason === "eos" || cont, cont };
  });
  const rows = out.flatMap((r, i) => (r.cont ? [i] : []));
  if (rows.length > 0) {
    total += rows.length;
    const ids = rows.map((i) => [...phase1[i]!.promptIds, ...phase1[i]!.ids]);
    const more = await batched(
      rows.length,
      (j) => ids[j]!.length,
      o.batchSize,
      async (idx) => {
        const g = await generate(
          cm.model,
          idx.map((j) => ids[j]!),
          {
            maxNewTokens: o.maxNewTokens - k,
            temperature: 0,
            topP: 1,
            seed: 0,
            eosTokenIds: cm.eosTokenIds,
            padTokenId: cm.padTokenId,
          },
        );
        return g.ids;
      },
      tick,
    );
    rows.forEach((i, j) => {
      const text = decode([...phase1[i]!.ids, ...more[j]!]);
      out[i] = { text, action: containsAction(text, o.action), completed: true, cont: true };
    });
  }
  return out.map(({ text, action, completed }) => ({ text, action, completed }));
}
