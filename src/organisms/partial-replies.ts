/**
 * The replies of a build's data file as they are generated, so an interrupted build resumes where
 * its generation stopped instead of at its first prompt (a game build's ~6,500 base replies took
 * longer than a 10-minute call on a shared GPU machine, and each call began them again). The file
 * (DATA.jsonl.partial beside the data file) starts with a line naming the job (a hash of its
 * prompts and reply length); each later line is one reply {i, reply}, appended batch by batch. A
 * line cut short by a kill is ignored; a file of another job is replaced.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

export interface PartialReplies {
  /** Replies made so far, by prompt index (CompletionOptions.known). */
  known: (string | undefined)[];
  /** Appends a generated batch (CompletionOptions.onBatch). */
  save(idx: readonly number[], texts: readonly string[]): void;
  /** Removes the file once the whole data file is written. */
  done(): void;
}

/** What names a job: its prompts (with their earlier turns) and the replies' length. */
export function replyJobKey(prompts: readonly unknown[], maxNewTokens: number): string {
  return createHash("sha256").update(JSON.stringify({ prompts, maxNewTokens })).digest("hex");
}

/** The replies a partial file's text holds, or null when it is another job's. */
function knownIn(text: string, key: string, n: number): (string | undefined)[] | null {
  const lines = text.split("\n");
  let head: { job?: unknown };
  try {
    head = JSON.parse(lines[0]!) as { job?: unknown };
  } catch {
    return null;
  }
  if (head.job !== key) return null;
  const known = new Array<string | undefined>(n).fill(undefined);
  for (const line of lines.slice(1)) {
    let r: { i?: unknown; reply?: unknown };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      continue; // the empty last line, or one cut short
    }
    if (Number.isInteger(r.i) && (r.i as number) < n && typeof r.reply === "string") {
      known[r.i as number] = r.reply;
    }
  }
  return known;
}

/**
 * The partial file at `path` for a job of `n` prompts named `key`: read when `resume` (a build's
 * --resume), else started afresh.
 */
export function partialReplies(
  path: string,
  key: string,
  n: number,
  resume: boolean,
): PartialReplies {
  const text = resume && existsSync(path) ? readFileSync(path, "utf8") : null;
  let known = text === null ? null : knownIn(text, key, n);
  if (!known) {
    writeFileSync(path, JSON.stringify({ job: key }) + "\n");
    known = new Array<string | undefined>(n).fill(undefined);
  } else if (!text!.endsWith("\n")) {
    appendFileSync(path, "\n"); // end the line a kill cut short, so the next batch starts clean
  }
  return {
    known,
    save(idx, texts) {
      appendFileSync(
        path,
        idx.map((i, j) => JSON.stringify({ i, reply: texts[j] }) + "\n").join(""),
      );
    },
    done: () => rmSync(path, { force: true }),
  };
}
