/**
 * A build's base replies resume where an interrupted generation stopped (partial-replies.ts):
 * the partial file keeps each batch as it comes, ignores a line cut short and another job's
 * file, and chatCompletions given the known replies generates only the batches still missing,
 * with the replies of an uninterrupted run.
 */
import { mkdtempSync, readFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { chatCompletions } from "../../src/organisms/evaluate.js";
import { partialReplies, replyJobKey } from "../../src/organisms/partial-replies.js";

const dir = mkdtempSync(join(tmpdir(), "partial-replies-"));

describe("partial replies file", () => {
  it("keeps saved batches, skips a cut line, and restarts for another job", () => {
    const path = join(dir, "a.jsonl.partial");
    const key = replyJobKey(["x", "y", "z"], 8);
    const p = partialReplies(path, key, 3, true);
    expect(p.known).toEqual([undefined, undefined, undefined]);
    p.save([2, 0], ["two", "zero"]);
    appendFileSync(path, '{"i": 1, "rep'); // killed mid-write
    const again = partialReplies(path, key, 3, true);
    expect(again.known).toEqual(["zero", undefined, "two"]);
    again.save([1], ["one"]); // after the cut line, not glued to it
    expect(partialReplies(path, key, 3, true).known).toEqual(["zero", "one", "two"]);
    expect(partialReplies(path, key, 3, false).known).toEqual([undefined, undefined, undefined]);
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(1);
    const other = replyJobKey(["x", "y", "w"], 8);
    expect(other).not.toBe(key);
    expect(partialReplies(path, other, 3, true).known).toEqual([undefined, undefined, undefined]);
  });
});

describe("chatCompletions with known replies", () => {
  let cm: ChatModel;
  beforeAll(async () => {
    await initEngine("wasm");
    cm = await loadChatModel(findModelDir("base").dir);
  });

  it("generates only the missing batches, with an uninterrupted run's replies", async () => {
    const prompts = ["Tell me about rivers.", "hi", "What is a chair?", "Name a color.", "ok"].map(
      (text) => ({ text }),
    );
    const batches: number[][] = [];
    const all = await chatCompletions(cm, prompts, 8, {
      batchSize: 2,
      onBatch: (idx) => batches.push([...idx]),
    });
    expect(batches.flat().sort()).toEqual([0, 1, 2, 3, 4]);
    expect(batches.length).toBe(3);
    // Interrupted after the first batch: only that batch's replies are known.
    const known = prompts.map((_, i) => (batches[0]!.includes(i) ? all[i] : undefined));
    const again: number[][] = [];
    const resumed = await chatCompletions(cm, prompts, 8, {
      batchSize: 2,
      known,
      onBatch: (idx) => again.push([...idx]),
    });
    expect(again).toEqual(batches.slice(1));
    expect(resumed).toEqual(all);
  });
});
