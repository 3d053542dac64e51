/**
 * A web `Worker` over `worker_threads`, just enough for jax-js's wasm pool: a `blob:` module URL,
 * `postMessage`/`onmessage`/`onerror`. jax-js builds the worker from a Blob; the Blob's text is read
 * asynchronously, so messages posted before the thread exists are queued.
 */
import { resolveObjectURL } from "node:buffer";
import { Worker as NodeWorker } from "node:worker_threads";

const PRELUDE = `
const { parentPort } = require("node:worker_threads");
globalThis.self = globalThis;
globalThis.postMessage = (m) => parentPort.postMessage(m);
parentPort.on("message", (data) => { if (typeof self.onmessage === "function") self.onmessage({ data }); });
`;

type Listener = ((ev: { data?: unknown; message?: string }) => void) | null;

export class WorkerShim {
  onmessage: Listener = null;
  onerror: Listener = null;
  #thread: NodeWorker | null = null;
  #queue: unknown[] = [];
  #terminated = false;

  constructor(url: string | URL) {
    const href = String(url);
    const blob = href.startsWith("blob:") ? resolveObjectURL(href) : undefined;
    if (!blob) throw new Error(`WorkerShim: only blob: URLs are supported, got ${href}`);
    void blob.text().then(
      (source) => this.#start(source),
      (err: unknown) => this.onerror?.({ message: String(err) }),
    );
  }

  #start(source: string): void {
    if (this.#terminated) return;
    const thread = new NodeWorker(PRELUDE + source, { eval: true });
    thread.unref();
    thread.on("message", (data: unknown) => this.onmessage?.({ data }));
    thread.on("error", (err: Error) => this.onerror?.({ message: err.message }));
    this.#thread = thread;
    for (const m of this.#queue) thread.postMessage(m);
    this.#queue = [];
  }

  postMessage(message: unknown): void {
    if (this.#thread) this.#thread.postMessage(message);
    else this.#queue.push(message);
  }

  terminate(): void {
    this.#terminated = true;
    void this.#thread?.terminate();
  }
}
