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
    thread.on("message", (data: unknown) => {
      this.#settle();
      this.onmessage?.({ data });
    });
    thread.on("error", (err: Error) => this.onerror?.({ message: err.message }));
    this.#thread = thread;
    this.#updateRef();
    for (const m of this.#queue) thread.postMessage(m);
    this.#queue = [];
  }

  /**
   * jax-js's pool answers each message with exactly one reply ("ready" or "done"). The thread is
   * referenced while replies are outstanding (so Node waits for the work) and unreferenced when
   * idle (so an idle pool never keeps the process alive).
   */
  #outstanding = 0;

  #settle(): void {
    this.#outstanding = Math.max(0, this.#outstanding - 1);
    this.#updateRef();
  }

  #updateRef(): void {
    if (!this.#thread) return;
    if (this.#outstanding > 0) this.#thread.ref();
    else this.#thread.unref();
  }

  postMessage(message: unknown): void {
    this.#outstanding++;
    if (this.#thread) {
      this.#updateRef();
      this.#thread.postMessage(message);
    } else this.#queue.push(message);
  }

  terminate(): void {
    this.#terminated = true;
    void this.#thread?.terminate();
  }
}
