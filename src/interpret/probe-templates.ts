/**
 * Probe prompts in the behaviour's own context. Generic probes ("Tell me about a mango.") never
 * reach a behaviour that fires only inside one kind of request (a question about what to avoid,
 * a multiple-choice decision). A probe template is a prompt with slots, `{w}`, where candidate
 * words go ("I have a {w}. What should I avoid?"): the user supplies them, or they are inferred
 * from the benign prompts the audit was given.
 *
 * Inference (the rule): in each benign prompt, the longest span (in characters; the first on a
 * tie) that is a member word of some lexicon concept becomes the slot; other words stay as they
 * are. Prompts without a lexicon word give no template; duplicates are dropped. Nothing here
 * knows the trigger: the slot is wherever the benign prompt names a thing.
 *
 * Filling (the rule): slot k takes the k-th word; with fewer words than slots the last word fills
 * the rest; with more words than slots the last slot takes the remaining words joined by "and".
 */
import type { LexiconFile } from "../lexicon/lexicon-file.js";
import { InterpretInputError } from "./errors.js";

export const SLOT = "{w}";
/** Longest member word looked for, in words ("tree pollen allergy" would be 3). */
const MAX_SPAN_WORDS = 4;

/** Throws unless every template is a non-empty string with at least one slot. */
export function checkTemplates(option: string, templates: readonly string[]): string[] {
  if (!Array.isArray(templates) || templates.length === 0) {
    throw new InterpretInputError(option, "must be a non-empty list of templates");
  }
  templates.forEach((t, i) => {
    if (typeof t !== "string" || !t.includes(SLOT)) {
      throw new InterpretInputError(`${option}[${i}]`, `must contain the slot ${SLOT}: ${t}`);
    }
  });
  return [...templates];
}

/** A template with its slots filled by `words` (the rule in the header). */
export function fillTemplate(template: string, words: readonly string[]): string {
  if (words.length === 0) throw new InterpretInputError("words", "must not be empty");
  const parts = template.split(SLOT);
  const slots = parts.length - 1;
  const fills = Array.from({ length: slots }, (_, k) =>
    k < slots - 1
      ? words[Math.min(k, words.length - 1)]!
      : words.slice(k).join(" and ") || words[words.length - 1]!,
  );
  return parts.reduce((s, p, k) => s + fills[k - 1]! + p);
}

/** Word runs of a prompt with their character offsets. */
function wordRuns(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(/[A-Za-z][A-Za-z'-]*/g)) {
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** The longest lexicon member span of `text` (first on a tie), or null. */
function memberSpan(text: string, members: ReadonlySet<string>) {
  const runs = wordRuns(text);
  let best: { start: number; end: number } | null = null;
  for (let i = 0; i < runs.length; i++) {
    for (let k = i; k < Math.min(runs.length, i + MAX_SPAN_WORDS); k++) {
      const span = text.slice(runs[i]!.start, runs[k]!.end);
      if (!members.has(span.toLowerCase().replace(/\s+/g, " "))) continue;
      if (!best || span.length > best.end - best.start) {
        best = { start: runs[i]!.start, end: runs[k]!.end };
      }
    }
  }
  return best;
}

/** Templates inferred from benign prompts (the rule in the header), in first-seen order. */
export function inferTemplates(prompts: readonly string[], lexicon: LexiconFile): string[] {
  const members = new Set(
    lexicon.concepts.flatMap((c) => [...c.train, ...c.heldOut].map((w) => w.toLowerCase())),
  );
  const out: string[] = [];
  for (const p of prompts) {
    if (p.includes(SLOT)) continue;
    const span = memberSpan(p, members);
    if (!span) continue;
    const t = p.slice(0, span.start) + SLOT + p.slice(span.end);
    if (!out.includes(t)) out.push(t);
  }
  if (out.length === 0) {
    throw new InterpretInputError(
      "probeContext",
      "no benign prompt names a lexicon word, so no probe template can be inferred (pass --probe-template)",
    );
  }
  return out;
}
