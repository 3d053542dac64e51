/// <reference types="@webgpu/types" />
/**
 * Where a fast-path pass spends its time on the GPU, for the bench (`bench/gpu-fast.ts --profile`).
 * While a profiler is attached to the context, every dispatch a recorder makes is its own compute
 * pass with timestamps at its start and end (the adapter's `timestamp-query` feature), labelled by
 * the functions that launched it (read from the call stack, so no kernel needs a name). The
 * recorder also adds the host's side: the time spent recording (encoding, creating buffers and
 * bind groups; the GPU already runs what was submitted) and the time waiting for the GPU after
 * the last submit. Kernel times are measured between a pass's two timestamps, so they exclude
 * the gaps between passes.
 *
 * One pass per dispatch adds a little overhead of its own: a profiled pass is for finding where
 * time goes, not for the bench's figures, which are always taken without a profiler.
 */

/** Totals of one label. */
export interface ProfileEntry {
  label: string;
  count: number;
  gpuMs: number;
}

export interface ProfileTotals {
  kernels: ProfileEntry[];
  /** Host time between a recorder's creation and its last submit of launches (recording). */
  recordMs: number;
  /** Host time from that submit until the GPU finished (reads included). */
  waitMs: number;
  /** Dispatches that could not be timed (the adapter has no timestamp feature). */
  untimed: number;
}

export class GpuProfiler {
  private readonly byLabel = new Map<string, { count: number; ns: number }>();
  recordMs = 0;
  waitMs = 0;
  untimed = 0;

  constructor(readonly timestamps: boolean) {}

  add(label: string, ns: number): void {
    const e = this.byLabel.get(label) ?? { count: 0, ns: 0 };
    e.count += 1;
    e.ns += ns;
    this.byLabel.set(label, e);
  }

  totals(): ProfileTotals {
    const kernels = [...this.byLabel.entries()]
      .map(([label, e]) => ({ label, count: e.count, gpuMs: e.ns / 1e6 }))
      .sort((a, b) => b.gpuMs - a.gpuMs);
    return { kernels, recordMs: this.recordMs, waitMs: this.waitMs, untimed: this.untimed };
  }
}

/** Timestamps per query set (WebGPU's limit): 2 per dispatch. */
const QUERIES = 4096;

/** A recorder's timestamp queries: query sets of QUERIES and the label of each timed dispatch. */
export class PassTimer {
  private readonly sets: GPUQuerySet[] = [];
  private resolved: GPUBuffer | null = null;
  readonly labels: string[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly profiler: GpuProfiler,
  ) {}

  /** The pass descriptor that times the next dispatch (undefined without timestamps). */
  next(label: string): GPUComputePassDescriptor | undefined {
    if (!this.profiler.timestamps) {
      this.profiler.untimed += 1;
      return undefined;
    }
    const i = (this.labels.length * 2) % QUERIES;
    if (i === 0) this.sets.push(this.device.createQuerySet({ type: "timestamp", count: QUERIES }));
    this.labels.push(label);
    const querySet = this.sets[this.sets.length - 1]!;
    return {
      timestampWrites: { querySet, beginningOfPassWriteIndex: i, endOfPassWriteIndex: i + 1 },
    };
  }

  /** Encodes the queries' resolution; returns the buffer to read after the submit. */
  resolve(enc: GPUCommandEncoder): GPUBuffer | null {
    const n = this.labels.length * 2;
    if (n === 0) return null;
    const resolved = this.device.createBuffer({ size: n * 8, usage: 0x0200 | 0x0004 }); // QUERY_RESOLVE | COPY_SRC
    const readable = this.device.createBuffer({ size: n * 8, usage: 0x0001 | 0x0008 }); // MAP_READ | COPY_DST
    this.sets.forEach((set, j) => {
      const count = Math.min(QUERIES, n - j * QUERIES);
      enc.resolveQuerySet(set, 0, count, resolved, j * QUERIES * 8);
    });
    enc.copyBufferToBuffer(resolved, 0, readable, 0, n * 8);
    this.resolved = resolved; // in use until the submit: collect() destroys it
    return readable;
  }

  /** Adds the timed dispatches to the profiler (after the GPU finished). */
  async collect(readable: GPUBuffer | null): Promise<void> {
    if (readable) {
      await readable.mapAsync(0x0001);
      const t = new BigUint64Array(readable.getMappedRange().slice(0));
      readable.unmap();
      readable.destroy();
      this.labels.forEach((label, j) => {
        const ns = Number(t[2 * j + 1]! - t[2 * j]!);
        this.profiler.add(label, ns > 0 ? ns : 0);
      });
    }
    for (const s of this.sets) s.destroy();
    this.resolved?.destroy();
  }
}

/** Frames of the recorder and of the SGEMM's own plumbing, never a label. */
const PLUMBING = /^(passFor|dispatch|dispatchFlat|launchLabel|launch|splitGemm|<anonymous>)$/;

/**
 * The functions that launched a dispatch: the first two stack frames outside the plumbing ("gpuGemm
 * < gpuLinearBack"); a split-K product's slices and reduction are marked "gpuGemm split-K".
 */
export function launchLabel(): string {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  const names: string[] = [];
  let split = false;
  for (const f of frames) {
    const m = /at (?:async )?(?:new )?([\w$.<>]+) \(/.exec(f);
    const name = m?.[1]?.replace(/^.*\./, "");
    if (!name || PLUMBING.test(name)) continue;
    if (name === "recordSplit") split = true;
    else if (name !== names[names.length - 1]) names.push(name);
    if (names.length === 2) break;
  }
  if (split && names[0] === "gpuGemm") names[0] = "gpuGemm split-K";
  return names.join(" < ") || "?";
}
