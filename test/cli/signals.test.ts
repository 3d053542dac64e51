/**
 * SIGINT and SIGTERM stop a long command wherever they come from: the CLI is spawned on an
 * `awareness run` against a slow OpenAI-compatible server, signalled directly or through an
 * `npm start`-like shell parent running package.json's start script, and must exit 130 with its
 * finished samples saved and the command that resumes it on stderr.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateFn } from "../../src/awareness/provider.js";
import { startChatServer, type ChatServer } from "../../src/awareness/server.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { stoppedBy, withStopSignals } from "../../src/cli/signals.js";

const ROOT = join(import.meta.dirname, "../..");
const usage = { promptTokens: 1, completionTokens: 1, totalTokens: 2 };
const slow: GenerateFn = async () => {
  await new Promise((r) => setTimeout(r, 100));
  return { content: "Fine.", finishReason: "stop", usage };
};

let server: ChatServer;
let items: string;
beforeAll(async () => {
  server = await startChatServer({ generate: slow, model: "slow" });
  items = join(mkdtempSync(join(tmpdir(), "sig-items-")), "items.jsonl");
  writeFileSync(items, '{"id":"q","prompt":"Should we hire this clerk?"}\n');
});
const groups: number[] = [];
afterAll(async () => {
  // A child that did not stop (the failure this file looks for) is not left running.
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await server.close();
});

function runArgs(out: string): string[] {
  return [
    "awareness",
    "run",
    "--items",
    items,
    "--provider",
    `openai:slow@${server.url}`,
    "--trigger",
    "Country: Singapore",
    "--samples",
    "500",
    "--concurrency",
    "1",
    "--out",
    out,
  ];
}

/** Lines in `out`'s samples.jsonl, 0 before the file exists. */
function savedSamples(out: string): number {
  const file = join(out, "samples.jsonl");
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, "utf8").trim();
  return text === "" ? 0 : text.split("\n").length;
}

/**
 * Spawns `command`, sends `sig` once three samples are saved in `out` (not merely answered by the
 * server: the third answer may still be on its way to the file), and waits for the exit.
 */
async function interrupt(command: string, args: string[], out: string, sig: NodeJS.Signals) {
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  groups.push(child.pid!);
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  let gone = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (c) => {
      gone = true;
      resolve(c);
    }),
  );
  while (savedSamples(out) < 3 && !gone) await new Promise((r) => setTimeout(r, 50));
  child.kill(sig);
  return { code: await exited, err };
}

describe("stopping a long command", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "on %s it saves the finished samples, prints how to resume and exits 130",
    async (sig) => {
      const out = mkdtempSync(join(tmpdir(), "sig-run-"));
      const args = runArgs(out);
      const r = await interrupt("node", [join(ROOT, "bin/trigscope.js"), ...args], out, sig);
      expect(r.code).toBe(EXIT.interrupted);
      expect(r.err).toContain(`interrupted by ${sig}: what was done is saved in ${out}`);
      const again = args.map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ");
      expect(r.err).toContain(`resume with: trigscope ${again}\n`);
      const saved = savedSamples(out);
      expect(saved).toBeGreaterThanOrEqual(3);
      expect(saved).toBeLessThan(1000);
    },
    60_000,
  );

  it.each(["SIGINT", "SIGTERM"] as const)(
    "on %s sent to the shell that npm start runs, the CLI still stops with 130",
    async (sig) => {
      const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
        scripts: { start: string };
      };
      // npm runs the script with `sh -c` and forwards signals to that shell's process.
      const script = pkg.scripts.start.replace(/ start$/, "");
      expect(script).not.toBe(pkg.scripts.start);
      const out = mkdtempSync(join(tmpdir(), "sig-npm-"));
      const quoted = runArgs(out).map((a) => `'${a}'`);
      const r = await interrupt("sh", ["-c", `${script} ${quoted.join(" ")}`], out, sig);
      expect(r.code).toBe(EXIT.interrupted);
      expect(r.err).toContain(`interrupted by ${sig}`);
      expect(savedSamples(out)).toBeGreaterThanOrEqual(3);
    },
    60_000,
  );
});

describe("a server", () => {
  it("is served under the name --model was given as, and stops with 0 on SIGTERM", async () => {
    const child = spawn(
      "node",
      [
        join(ROOT, "bin/trigscope.js"),
        "serve",
        "--model",
        "fruit-refusal",
        "--port",
        "0",
        "--json",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    groups.push(child.pid!);
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    const info = await new Promise<{ model: string }>((res, rej) => {
      let buf = "";
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        if (buf.includes("\n")) res(JSON.parse(buf.split("\n")[0]!));
      });
      child.on("exit", (c) => rej(new Error(`serve exited early with ${c}`)));
    });
    child.kill("SIGTERM");
    expect(info.model).toBe("fruit-refusal");
    expect(await exited).toBe(EXIT.ok);
  }, 60_000);
});

describe("withStopSignals", () => {
  it("aborts the job's signal on SIGTERM, names it, and removes its handlers either way", async () => {
    const before = ["SIGINT", "SIGTERM"].map((s) => process.listenerCount(s));
    const seen = await withStopSignals(async (signal) => {
      expect(process.listenerCount("SIGTERM")).toBe(before[1]! + 1);
      expect(stoppedBy(signal)).toBe(null);
      process.emit("SIGTERM");
      return stoppedBy(signal);
    });
    expect(seen).toBe("SIGTERM");
    await expect(
      withStopSignals(async () => {
        throw new Error("job failed");
      }),
    ).rejects.toThrow("job failed");
    expect(["SIGINT", "SIGTERM"].map((s) => process.listenerCount(s))).toEqual(before);
  });
});
