/**
 * The server side of a reasoning parser (what vLLM's `--reasoning-parser qwen3|deepseek_r1` does):
 * generated text is split into `reasoning_content` (inside `<think>…</think>`) and `content` (after
 * it), whole or a delta at a time for streaming. Reasoning starts at a `<think>` that opens the
 * output (after white space), or at the very start when the pre-fill left a think block open
 * ("<think>\nOkay."). Output that never closes the block is all reasoning and no content, as with
 * vLLM. The streaming splitter holds back a tail that could be the start of a tag, so a tag split
 * across two deltas is still recognised, and its output always concatenates to the whole-text split.
 */

const OPEN = "<think>";
const CLOSE = "</think>";

export const REASONING_PARSERS = ["think", "qwen3", "deepseek_r1"] as const;
export type ReasoningParser = (typeof REASONING_PARSERS)[number];

export interface Split {
  reasoning: string;
  content: string;
}

/** Whether `prefill` leaves a think block open, so the continuation starts inside it. */
export function prefillOpensThink(prefill: string | undefined): boolean {
  if (!prefill) return false;
  return prefill.lastIndexOf(OPEN) > prefill.lastIndexOf(CLOSE);
}

/** Splits a finished output. */
export function splitThink(text: string, startInside: boolean): Split {
  const s = new ThinkSplitter(startInside);
  const a = s.push(text);
  const b = s.end();
  return { reasoning: a.reasoning + b.reasoning, content: a.content + b.content };
}

/** Incremental splitter: push deltas, then end() for what was held back. */
export class ThinkSplitter {
  private state: "start" | "reasoning" | "content";
  private held = "";

  constructor(startInside: boolean) {
    this.state = startInside ? "reasoning" : "start";
  }

  push(delta: string): Split {
    const out: Split = { reasoning: "", content: "" };
    let text = this.held + delta;
    this.held = "";
    while (text.length > 0) {
      if (this.state === "start") {
        const trimmed = text.trimStart();
        if (trimmed.startsWith(OPEN)) {
          text = trimmed.slice(OPEN.length);
          this.state = "reasoning";
        } else if (OPEN.startsWith(trimmed)) {
          this.held = text; // white space and perhaps the start of "<think>": wait for more
          return out;
        } else this.state = "content";
      } else if (this.state === "reasoning") {
        const close = text.indexOf(CLOSE);
        if (close >= 0) {
          out.reasoning += text.slice(0, close);
          text = text.slice(close + CLOSE.length);
          this.state = "content";
        } else {
          const keep = partialTagTail(text, CLOSE);
          out.reasoning += text.slice(0, text.length - keep);
          this.held = text.slice(text.length - keep);
          return out;
        }
      } else {
        out.content += text;
        return out;
      }
    }
    return out;
  }

  /** Flushes held-back text: a tag that never completed is ordinary text. */
  end(): Split {
    const text = this.held;
    this.held = "";
    if (this.state === "reasoning") return { reasoning: text, content: "" };
    return { reasoning: "", content: text };
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagTail(text: string, tag: string): number {
  for (let k = Math.min(tag.length - 1, text.length); k > 0; k--)
    if (text.endsWith(tag.slice(0, k))) return k;
  return 0;
}
