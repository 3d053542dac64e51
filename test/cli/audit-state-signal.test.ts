/**
 * The audit's state takes the CLI's stop signal: once SIGINT/SIGTERM aborted it, finished stages
 * still come from the state file but no new stage starts, so `trigscope audit` stops between
 * stages with everything done saved for the resume.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuditInterrupted, AuditState, STATE_FILE } from "../../src/audit/state.js";

describe("AuditState with a signal", () => {
  it("keeps finished stages and starts none after the signal is aborted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-state-"));
    const stop = new AbortController();
    const state = new AuditState(dir, "fp", { signal: stop.signal });
    expect(await state.stage("method:a", async () => 1)).toBe(1);
    stop.abort();
    expect(await state.stage("method:a", async () => 2)).toBe(1);
    let ran = false;
    await expect(
      state.stage("method:b", async () => {
        ran = true;
        return 3;
      }),
    ).rejects.toThrow(AuditInterrupted);
    expect(ran).toBe(false);
    const saved = JSON.parse(readFileSync(join(dir, STATE_FILE), "utf8"));
    expect(saved.stages).toEqual({ "method:a": 1 });
    expect(new AuditState(dir, "fp").resumed).toEqual(["method:a"]);
  });
});
