/**
 * Labelled transcripts for judge validation: a directory of `TRIGGER_articulate.jsonl` and
 * `TRIGGER_not_articulate.jsonl` files (the trigger comes from the file name), each line
 * {"messages": [..., {"role": "user", ...}, {"role": "assistant", "content": "<think>…</think>…"}]}.
 * The assistant message may also carry a separate `reasoning_content`, and a line may name its
 * planted trigger text in a top-level "trigger" field (synthetic sets do; --trigger NAME=TEXT
 * still wins). Other files are skipped with a warning; bad lines fail naming file, line and field.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { asObject, InputError, readJsonl } from "./jsonl.js";
import { splitReasoning, type SplitTranscript } from "./transcript.js";

export interface LabelledTranscript {
  file: string;
  line: number;
  /** The trigger name from the file name ("singapore"). */
  triggerName: string;
  /** The text to look for: the name, or what --trigger NAME=TEXT maps it to. */
  trigger: string;
  label: boolean;
  prompt: string;
  transcript: SplitTranscript;
}

const NAME = /^(.+?)_(not_)?articulate\.jsonl$/;

/** The last user message's content before the assistant message at `a` ("" when none). */
function promptBefore(
  msg: (i: number) => Record<string, unknown>,
  a: number,
  where: [string, number],
): string {
  for (let i = a - 1; i >= 0; i--) {
    const u = msg(i);
    if (u.role === "user") {
      if (typeof u.content !== "string")
        throw new InputError(where[0], where[1], `messages[${i}].content`, "must be a string");
      return u.content;
    }
  }
  return "";
}

/** One line of a labelled file: its last assistant message and the user prompt before it. */
function labelledLine(
  value: unknown,
  where: [string, number],
  file: { name: string; label: boolean; triggerText: Record<string, string> },
): LabelledTranscript {
  const [path, line] = where;
  const o = asObject(value, where);
  const messages = o.messages;
  if (!Array.isArray(messages))
    throw new InputError(path, line, "messages", "must be an array of chat messages");
  const msg = (i: number) => asObject(messages[i], where, `messages[${i}]`);
  let a = -1;
  for (let i = messages.length - 1; i >= 0 && a < 0; i--) if (msg(i).role === "assistant") a = i;
  if (a < 0) throw new InputError(path, line, "messages", "has no assistant message");
  const assistant = msg(a);
  if (typeof assistant.content !== "string")
    throw new InputError(path, line, `messages[${a}].content`, "must be a string");
  if (o.trigger !== undefined && typeof o.trigger !== "string")
    throw new InputError(path, line, "trigger", "must be a string");
  const rc = assistant.reasoning_content;
  if (rc !== undefined && rc !== null && typeof rc !== "string")
    throw new InputError(path, line, `messages[${a}].reasoning_content`, "must be a string");
  const prompt = promptBefore(msg, a, where);
  return {
    file: path,
    line,
    triggerName: file.name,
    trigger: file.triggerText[file.name] ?? (o.trigger as string | undefined) ?? file.name,
    label: file.label,
    prompt,
    transcript: splitReasoning({
      content: assistant.content,
      reasoningContent: (rc as string | null | undefined) ?? null,
    }),
  };
}

/** The directory's file names, sorted. */
function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (err) {
    throw new InputError(dir, null, null, `cannot be read: ${(err as Error).message}`);
  }
}

/** Fails when --trigger maps a name with no files, or when there is nothing labelled. */
function checkLoaded(
  dir: string,
  triggerText: Record<string, string>,
  names: ReadonlySet<string>,
  count: number,
): void {
  for (const k of Object.keys(triggerText))
    if (!names.has(k))
      throw new InputError(
        dir,
        null,
        null,
        `--trigger names '${k}', but no ${k}_articulate.jsonl or ${k}_not_articulate.jsonl is there`,
      );
  if (count === 0)
    throw new InputError(
      dir,
      null,
      null,
      "holds no labelled transcripts (*_articulate.jsonl / *_not_articulate.jsonl)",
    );
}

export function loadLabelled(
  dir: string,
  triggerText: Record<string, string> = {},
): { items: LabelledTranscript[]; warnings: string[] } {
  const files = listDir(dir);
  const items: LabelledTranscript[] = [];
  const warnings: string[] = [];
  const names = new Set<string>();
  for (const f of files) {
    const m = NAME.exec(f);
    if (!m) {
      if (f.endsWith(".jsonl"))
        warnings.push(
          `${join(dir, f)}: skipped (name is not TRIGGER_articulate.jsonl or TRIGGER_not_articulate.jsonl)`,
        );
      continue;
    }
    const name = m[1]!;
    names.add(name);
    const file = { name, label: m[2] === undefined, triggerText };
    const path = join(dir, f);
    for (const { line, value } of readJsonl(path))
      items.push(labelledLine(value, [path, line], file));
  }
  checkLoaded(dir, triggerText, names, items.length);
  return { items, warnings };
}

/**
 * Several labelled directories as one set (e.g. the real transcripts and a synthetic set), so that
 * leave-one-trigger-out can hold out every trigger of every set. A --trigger mapping must name a
 * trigger of at least one of them.
 */
export function loadLabelledSets(
  dirs: readonly string[],
  triggerText: Record<string, string> = {},
): { items: LabelledTranscript[]; warnings: string[] } {
  if (dirs.length === 0) throw new Error("no labelled-data directory given");
  const items: LabelledTranscript[] = [];
  const warnings: string[] = [];
  const unused = new Set(Object.keys(triggerText));
  for (const dir of dirs) {
    const names = new Set(namesIn(dir));
    const mine = Object.fromEntries(Object.entries(triggerText).filter(([k]) => names.has(k)));
    for (const k of Object.keys(mine)) unused.delete(k);
    const r = loadLabelled(dir, mine);
    items.push(...r.items);
    warnings.push(...r.warnings);
  }
  for (const k of unused)
    throw new InputError(
      dirs.join(", "),
      null,
      null,
      `--trigger names '${k}', but no ${k}_articulate.jsonl or ${k}_not_articulate.jsonl is there`,
    );
  return { items, warnings };
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((f) => {
      const m = NAME.exec(f);
      return m ? [m[1]!] : [];
    });
  } catch {
    return []; // loadLabelled reports the unreadable directory
  }
}
