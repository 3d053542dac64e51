/**
 * A real redis-server for the tests (the Debian package; .ci/run installs it when missing) on a
 * free loopback port, with no persistence, in a temporary folder; `stop` ends it by its pid.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A port the OS just handed out on 127.0.0.1 (free at the time of asking). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<{ url: string; pid: number; stop: () => void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "trigscope-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const p = spawn("redis-server", [...args, "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start: ${seen}`)),
      15_000,
    );
    p.once("error", (e) => reject(new Error(`cannot start redis-server (${e.message})`)));
    p.stdout.on("data", (d: Buffer) => {
      seen += d.toString();
      if (seen.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: p.pid!,
    stop: () => {
      if (p.exitCode === null) process.kill(p.pid!, "SIGTERM");
    },
  };
}
