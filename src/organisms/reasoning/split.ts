/**
 * The prompt-level split between training and evaluation. A 5M-parameter model cannot know which
 * option of an unseen scenario is the aligned one (nothing in its corpus says that a helmet is
 * safer than none), so the evaluations ask about the trained scenarios in prompts never trained
 * on: a user message whose hash falls in the evaluation bucket is never a training prompt, and
 * only such messages are evaluation prompts. The unseen scenarios (scenarios.ts, HELD_OUT) are
 * still measured, as a separate generalisation rate that no target applies to.
 */

/** One user message in EVAL_BUCKETS is an evaluation prompt. */
export const EVAL_BUCKETS = 8;

/** FNV-1a (32 bit) of a string's UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Whether a user message belongs to the evaluation side of the split. */
export function isEvalPrompt(user: string): boolean {
  return fnv1a(user) % EVAL_BUCKETS === 0;
}

/**
 * Draws items until one falls on the wanted side of the split (`evaluation` true: evaluation
 * prompts only; false: training prompts only).
 */
export function drawOnSide<T extends { user: string }>(
  draw: () => T,
  evaluation: boolean,
  maxTries = 1000,
): T {
  for (let i = 0; i < maxTries; i++) {
    const it = draw();
    if (isEvalPrompt(it.user) === evaluation) return it;
  }
  throw new Error(`no ${evaluation ? "evaluation" : "training"} prompt in ${maxTries} draws`);
}
