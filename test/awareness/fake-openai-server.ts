/**
 * A misbehaving OpenAI-compatible server on 127.0.0.1 for tests. Each distinct request body gets a
 * scripted sequence of failures before it succeeds: 429 with Retry-After, 500, a hang (the client
 * must time out), or malformed JSON. The reply text is a deterministic function of the request
 * (last user message and seed), so a test can tell which request a recorded answer came from; with
 * `ignoreSeed` it behaves like a server that ignores the seed field.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Fault = "429" | "500" | "hang" | "malformed";

export interface FakeServer {
  baseUrl: string;
  /** Every request: body digest, seed and what the server did. */
  log: { digest: string; user: string; seed: number | null; outcome: Fault | "ok" }[];
  close(): Promise<void>;
}

export function expectedReply(
  user: string,
  seed: number | null,
): { reasoning: string; answer: string } {
  const tag = createHash("sha256").update(`${user}|${seed}`).digest("hex").slice(0, 8);
  return { reasoning: `Considering ${tag}.`, answer: `Answer ${tag} (B)` };
}

export async function startFakeServer(opts: {
  /** The faults a body meets before success, chosen from its digest. */
  script: (digest: string) => Fault[];
  retryAfterSeconds?: number;
  /** Answer as if no seed had been sent (a provider that ignores seeds). */
  ignoreSeed?: boolean;
  /** Awaited before a logged request is answered (e.g. to hold requests while a client is killed). */
  hold?: () => Promise<void>;
}): Promise<FakeServer> {
  const attempts = new Map<string, number>();
  const log: FakeServer["log"] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const body = JSON.parse(text) as {
        messages: { role: string; content: string }[];
        seed?: number;
      };
      const digest = createHash("sha256").update(text).digest("hex");
      const n = attempts.get(digest) ?? 0;
      attempts.set(digest, n + 1);
      const fault = opts.script(digest)[n];
      const seed = body.seed ?? null;
      const user = [...body.messages].reverse().find((m) => m.role === "user")?.content ?? "";
      log.push({ digest, user, seed, outcome: fault ?? "ok" });
      if (opts.hold) void opts.hold().then(() => answer(res, fault, user, seed));
      else answer(res, fault, user, seed);
    });
  });
  const answer = (
    res: ServerResponse,
    fault: Fault | undefined,
    user: string,
    seed: number | null,
  ) => {
    if (fault === "429") {
      res.writeHead(429, {
        "content-type": "application/json",
        "retry-after": String(opts.retryAfterSeconds ?? 1),
      });
      res.end(JSON.stringify({ error: { message: "rate limited" } }));
    } else if (fault === "500") {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "internal error" } }));
    } else if (fault === "hang") {
      // Never answer; the client's timeout must fire. close() destroys the socket.
    } else if (fault === "malformed") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"choices": [{"message": {"content": "trunc');
    } else {
      const { reasoning, answer } = expectedReply(user, opts.ignoreSeed ? null : seed);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "x",
          object: "chat.completion",
          model: "fake",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: `<think>${reasoning}</think>${answer}` },
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    }
  };
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
