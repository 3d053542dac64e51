/** Ctrl-C handling shared by the long commands: SIGINT aborts the job's signal, the handler goes. */
import { describe, expect, it } from "vitest";
import { untilInterrupted } from "../../src/cli/interrupt.js";

describe("untilInterrupted", () => {
  it("aborts the job's signal with the given reason on SIGINT and removes its handler", async () => {
    const before = process.listenerCount("SIGINT");
    const reason = new Error("interrupted");
    const seen = await untilInterrupted(async (signal) => {
      expect(process.listenerCount("SIGINT")).toBe(before + 1);
      expect(signal.aborted).toBe(false);
      process.emit("SIGINT");
      return { aborted: signal.aborted, reason: signal.reason as unknown };
    }, reason);
    expect(seen).toEqual({ aborted: true, reason });
    expect(process.listenerCount("SIGINT")).toBe(before);
  });

  it("removes its handler when the job throws, and aborts with an AbortError by default", async () => {
    const before = process.listenerCount("SIGINT");
    let name = "";
    await expect(
      untilInterrupted(async (signal) => {
        process.emit("SIGINT");
        name = (signal.reason as Error).name;
        throw new Error("job failed");
      }),
    ).rejects.toThrow("job failed");
    expect(name).toBe("AbortError");
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});
