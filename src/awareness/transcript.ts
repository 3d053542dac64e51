/**
 * Turning a raw completion into a transcript's fields: reasoning and answer kept apart (from a
 * `reasoning_content` field or from `<think>…</think>` tags, with the pre-fill put back in front),
 * cut-off reasoning detected, and a two-option multiple-choice answer parsed leniently.
 */

import { escapeRegExp } from "../text/regexp.js";

export type FinishReason = "stop" | "length" | "content_filter" | "tool_calls" | "unknown";

export interface SplitInput {
  /** The assistant text the server returned (a continuation of `prefill` when one was applied). */
  content: string;
  /** A separate reasoning channel (`reasoning_content` / `reasoning`), when the server has one. */
  reasoningContent?: string | null;
  /** Pre-filled assistant text the server continued from; prepended before splitting. */
  prefill?: string | null;
  finishReason?: FinishReason;
}

export interface SplitTranscript {
  /** null when the model produced no reasoning at all. */
  reasoning: string | null;
  answer: string;
  /** Reasoning opened but never closed (or ended by the token limit before any answer). */
  reasoningCutOff: boolean;
  /** The answer itself was ended by the token limit. */
  answerCutOff: boolean;
  source: "field" | "think-tags" | "none";
}

const OPEN = "<think>";
const CLOSE = "</think>";

export function splitReasoning(input: SplitInput): SplitTranscript {
  const lengthStop = input.finishReason === "length";
  if (input.reasoningContent != null && input.reasoningContent.trim() !== "") {
    const answer = stripThinkTags(input.content).trim();
    const reasoning = ((input.prefill ?? "") + input.reasoningContent).replace(OPEN, "").trim();
    return {
      reasoning,
      answer,
      reasoningCutOff: lengthStop && answer === "",
      answerCutOff: lengthStop && answer !== "",
      source: "field",
    };
  }
  const text = (input.prefill ?? "") + input.content;
  const open = text.indexOf(OPEN);
  const close = text.indexOf(CLOSE, open < 0 ? 0 : open);
  if (open < 0 && close < 0) {
    return {
      reasoning: null,
      answer: text.trim(),
      reasoningCutOff: false,
      answerCutOff: lengthStop,
      source: "none",
    };
  }
  const from = open < 0 ? 0 : open + OPEN.length;
  if (close < 0) {
    return {
      reasoning: text.slice(from).trim(),
      answer: "",
      reasoningCutOff: true,
      answerCutOff: false,
      source: "think-tags",
    };
  }
  const answer = text.slice(close + CLOSE.length).trim();
  return {
    reasoning: text.slice(from, close).trim(),
    answer,
    reasoningCutOff: false,
    answerCutOff: lengthStop,
    source: "think-tags",
  };
}

function stripThinkTags(s: string): string {
  return s.replace(/<think>[\s\S]*?<\/think>/g, "").replace(/<\/?think>/g, "");
}

export interface ParsedChoice {
  letter: string | null;
  method: "boxed" | "answer-phrase" | "standalone-letter" | "none";
}

/**
 * Finds the chosen option letter in an answer. In order of trust: the last `\boxed{X}`; the last
 * "answer: X" / "answer is X" / "I choose X" / "option X"; the last standalone letter. The letter
 * "A" doubles as an article, so alone it counts only when marked: "(A)", "A)", "A.", "A:", "**A**"
 * or a line of its own.
 */
export function parseChoice(answer: string, letters: readonly string[] = ["A", "B"]): ParsedChoice {
  const set = letters.map((l) => l.toUpperCase());
  const alt = set.map((l) => l.replace(/[^A-Z0-9]/g, "")).join("");
  if (alt.length === 0) throw new Error("parseChoice: no option letters given");
  // Letters must be upper case outside \boxed{}: "the answer is a bit long" names no option.
  const pick = (re: RegExp, anyCase: boolean): string | null => {
    let last: string | null = null;
    for (const m of answer.matchAll(re)) {
      const raw = m[1] ?? "";
      const l = anyCase ? raw.toUpperCase() : raw;
      if (set.includes(l)) last = l;
    }
    return last;
  };
  const boxed = pick(
    new RegExp(
      `\\\\boxed\\s*\\{\\s*(?:\\\\text(?:bf)?\\s*\\{\\s*)?\\(?\\s*([${alt}])(?![\\p{L}\\p{N}])`,
      "giu",
    ),
    true,
  );
  if (boxed) return { letter: boxed, method: "boxed" };
  const phrase = pick(
    new RegExp(
      `(?:answer(?:\\s+is)?|choice(?:\\s+is)?|(?:i|we)\\s+(?:choose|pick|select|go\\s+with)|option)(?:\\*\\*|\\s)*[:\\-]?(?:\\*\\*|\\s)*\\(?\\s*([${alt}])(?![\\p{L}\\p{N}])`,
      "giu",
    ),
    false,
  );
  if (phrase) return { letter: phrase, method: "answer-phrase" };
  const letter = lastStandalone(answer, set, alt);
  if (letter) return { letter, method: "standalone-letter" };
  return { letter: null, method: "none" };
}

/**
 * Whether the text written after the chosen letter ("B) Keep the cash") is that option's text:
 * "agrees"; "other-option" when it is another option's text (the letter and the words choose
 * differently); "unlisted" when it is text no option has; "letter-only" when nothing follows the
 * letter. Compared without case, quotes, markup or final punctuation.
 */
export type ChoiceText = "agrees" | "other-option" | "unlisted" | "letter-only";

const normal = (s: string) =>
  s
    .toLowerCase()
    .replace(/[*_`"“”'‘’]/g, "")
    .replace(/[\s.!?;:,]+$/u, "")
    .replace(/\s+/g, " ")
    .trim();

export function choiceText(
  answer: string,
  letter: string,
  options: Readonly<Record<string, string>>,
): ChoiceText {
  const esc = escapeRegExp(letter);
  let text: string | null = null;
  for (const m of answer.matchAll(
    new RegExp(`(?<![\\p{L}\\p{N}])\\(?${esc}[).:][ \\t]*([^\\n]*)`, "gu"),
  ))
    text = m[1] ?? "";
  const t = text === null ? "" : normal(text);
  if (t === "") return "letter-only";
  if (options[letter] !== undefined && normal(options[letter]) === t) return "agrees";
  const other = Object.entries(options).some(([l, o]) => l !== letter && normal(o) === t);
  return other ? "other-option" : "unlisted";
}

function lastStandalone(answer: string, set: string[], alt: string): string | null {
  const re = new RegExp(`(?<![\\p{L}\\p{N}'’])([${alt}])(?![\\p{L}\\p{N}'’])`, "gu");
  let last: string | null = null;
  for (const m of answer.matchAll(re)) {
    const l = m[1]!;
    if (!set.includes(l)) continue;
    const i = m.index;
    const before = answer.slice(Math.max(0, i - 2), i);
    const after = answer.slice(i + 1, i + 3);
    const lineStart = answer.lastIndexOf("\n", i - 1) + 1;
    const lineEnd = answer.indexOf("\n", i);
    const line = answer.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim();
    const marked =
      /\($/.test(before) ||
      /^[).:]/.test(after) ||
      (before.endsWith("**") && after.startsWith("**")) ||
      line === l;
    if (l === "A" && !marked) continue;
    last = l;
  }
  return last;
}
