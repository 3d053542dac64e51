/**
 * Runs one wasm sgemm on this thread and helper threads at once: the B panels (columns of C) are
 * cut into contiguous ranges, one per thread, each thread calling the same module's `gemm` on the
 * shared memory. Every element of C is still summed by one thread in one fixed order, so the bits
 * do not depend on the number of threads.
 *
 * The sgemm interface is synchronous, so the hand-off is through Atomics on a shared control word
 * per helper (POSTED → TAKEN → DONE), and this thread blocks in Atomics.wait for the helpers after
 * doing its own share. A helper that has not taken its share within TAKE_TIMEOUT_MS (it failed to
 * start) is dropped and its share done here. Helpers are unref'd, so they never keep Node alive.
 */
import { Worker } from "node:worker_threads";

const IDLE = 0;
const POSTED = 1;
const TAKEN = 2;
const DONE = 3;
const N_ARGS = 10;
const TAKE_TIMEOUT_MS = 5000;

const HELPER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const gemm = new WebAssembly.Instance(module, { env: { mem: memory } }).exports.gemm;
const c = new Int32Array(control);
for (;;) {
  const state = Atomics.load(c, 0);
  if (state !== ${POSTED}) { Atomics.wait(c, 0, state); continue; }
  if (Atomics.compareExchange(c, 0, ${POSTED}, ${TAKEN}) !== ${POSTED}) continue;
  gemm(...c.subarray(1, ${1 + N_ARGS}));
  Atomics.store(c, 0, ${DONE});
  Atomics.notify(c, 0);
}
`;

/** gemm's arguments: aPack, b, c, mPanels, nPanels, aPanelBytes, bPanelBytes, k, ldcBytes, bStepBytes. */
export type GemmArgs = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

interface Helper {
  control: Int32Array;
  worker: Worker;
}

export class GemmThreads {
  private helpers: Helper[] = [];

  constructor(
    private readonly gemm: (...args: number[]) => void,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    helpers: number,
  ) {
    for (let i = 0; i < helpers; i++) {
      const control = new Int32Array(new SharedArrayBuffer(4 * (1 + N_ARGS)));
      const worker = new Worker(HELPER_SOURCE, {
        eval: true,
        workerData: { module, memory, control: control.buffer },
      });
      worker.unref();
      worker.on("error", () => {}); // a helper that fails is noticed by its timeout
      this.helpers.push({ control, worker });
    }
  }

  /** Threads in use, this one included. */
  get threads(): number {
    return this.helpers.length + 1;
  }

  /** Runs gemm over all `nPanels` B panels of `nrBytes` columns each, split between the threads. */
  run(args: GemmArgs, nrBytes: number, split: boolean): void {
    const nPanels = args[4];
    const parts = split ? Math.min(this.threads, nPanels) : 1;
    const share = (i: number) => Math.round((nPanels * i) / parts);
    const part = (i: number): GemmArgs => {
      const [a, b, c, m, , ap, bp, k, ldc, bs] = args;
      const n0 = share(i);
      return [a, b + n0 * bp, c + n0 * nrBytes, m, share(i + 1) - n0, ap, bp, k, ldc, bs];
    };
    const posted = this.helpers.slice(0, parts - 1).map((h, i) => {
      post(h.control, part(i + 1));
      return { h, args: part(i + 1) };
    });
    this.gemm(...part(0));
    for (const { h, args: mine } of posted) {
      if (!awaitDone(h.control)) {
        this.gemm(...mine);
        this.drop(h);
      }
    }
  }

  private drop(h: Helper): void {
    this.helpers = this.helpers.filter((x) => x !== h);
    void h.worker.terminate();
  }
}

function post(control: Int32Array, args: GemmArgs): void {
  control.set(args, 1);
  Atomics.store(control, 0, POSTED);
  Atomics.notify(control, 0);
}

/** Waits for DONE and resets to IDLE; false when the helper never took the job (it is withdrawn). */
function awaitDone(control: Int32Array): boolean {
  const start = Date.now();
  for (;;) {
    const state = Atomics.load(control, 0);
    if (state === DONE) {
      Atomics.store(control, 0, IDLE);
      return true;
    }
    const untaken = state === POSTED && Date.now() - start > TAKE_TIMEOUT_MS;
    if (untaken && Atomics.compareExchange(control, 0, POSTED, IDLE) === POSTED) return false;
    Atomics.wait(control, 0, state, 50);
  }
}
