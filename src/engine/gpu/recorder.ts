/**
 * Records a pass's kernels into command buffers, submitted every few launches so the GPU works
 * while the host records on: every dispatch is its own usage scope, so WebGPU orders a kernel's
 * reads after the previous kernel's writes without further barriers. Parameter blocks are slots
 * of one uniform arena, written before each submit. Scratch buffers and the arena live until
 * `release()`, which also reports any validation or out-of-memory error the pass raised (error
 * scopes opened by the constructor), so a bad launch fails loudly instead of leaving zeros
 * behind. Scratch buffers come
 * from the context's pool where one of the same size is kept (cleared on the GPU first) and go
 * back to it at `release()`. While the context has a profiler, each dispatch is a pass of its own
 * with timestamps around it (profile.ts).
 */
import type { GpuContext, GpuTensor } from "./context.js";
import { gpuZeros, storageBytes } from "./context.js";
import { launchLabel, PassTimer } from "./profile.js";

/** A parameter block's slot in the uniform arena: WebGPU's largest uniform offset alignment. */
const SLOT_BYTES = 256;
const ARENA_SLOTS = 512;
/** Launches between the submits a recorder makes on its own. */
const SUBMIT_EVERY = 24;

/** Largest workgroup count in one grid dimension that every WebGPU device accepts. */
const MAX_GROUPS = 65535;

export class GpuRecorder {
  private enc: GPUCommandEncoder;
  /** The open compute pass (null between passes, and always while profiling). */
  private pass: GPUComputePassEncoder | null = null;
  /** Scratch storage buffers, given back to the pool by release(). */
  private readonly temps: GPUBuffer[] = [];
  /** Parameter arenas and owned tensors (made outside the pool), destroyed by release(). */
  private readonly owned: GPUBuffer[] = [];
  private readonly timer: PassTimer | null;
  /** The uniform arena now filled, its host copy, the next free slot, the first unwritten one. */
  private arena: GPUBuffer | null = null;
  private readonly arenaHost = new Uint8Array(ARENA_SLOTS * SLOT_BYTES);
  private slot = 0;
  private flushedSlot = 0;
  private launches = 0;
  private readonly started = performance.now();
  /** When the last submit holding launches was made (the end of recording), and their count. */
  private lastSubmit: number | null = null;
  private submitted = 0;
  private released = false;

  constructor(readonly ctx: GpuContext) {
    ctx.device.pushErrorScope("validation");
    ctx.device.pushErrorScope("out-of-memory");
    this.enc = ctx.device.createCommandEncoder();
    this.timer = ctx.profiler ? new PassTimer(ctx.device, ctx.profiler) : null;
  }

  /** A zeroed scratch tensor, kept until release(). */
  alloc(size: number): GpuTensor {
    const kept = this.ctx.scratch.take(storageBytes(size));
    if (kept) {
      this.endPass();
      this.enc.clearBuffer(kept);
      this.temps.push(kept);
      return { buf: kept, size };
    }
    const t = gpuZeros(this.ctx, size);
    this.temps.push(t.buf);
    return t;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /** The pass the next dispatch goes into: the open one, or one of its own while profiling. */
  private passFor(): GPUComputePassEncoder {
    if (this.timer) return this.enc.beginComputePass(this.timer.next(launchLabel()));
    this.pass ??= this.enc.beginComputePass();
    return this.pass;
  }

  /** Keeps `t` alive until release(), which destroys it (a tensor made elsewhere for this pass only). */
  own(t: GpuTensor): GpuTensor {
    this.owned.push(t.buf);
    return t;
  }

  /**
   * Runs `code` (entry point `main`, storage bindings 0…n−1 in `buffers`' order, the uniform
   * parameter block at binding n) over a grid of `groups` workgroups.
   */
  dispatch(
    code: string,
    buffers: GpuTensor[],
    params: ArrayBuffer,
    groups: [number, number, number],
  ) {
    const device = this.ctx.device;
    const block = this.paramBlock(params);
    const pipeline = this.ctx.pipeline(code);
    const entries: GPUBindGroupEntry[] = buffers.map((t, i) => ({
      binding: i,
      resource: { buffer: t.buf },
    }));
    entries.push({ binding: buffers.length, resource: block });
    const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.passFor();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    if (this.timer) pass.end();
    // Hand the GPU what is recorded every SUBMIT_EVERY launches, so it runs while the host
    // records the rest (a steering step at 8B shapes records for tens of ms).
    if (++this.launches % SUBMIT_EVERY === 0) this.submit();
  }

  /**
   * The parameter block's binding: a slot of the recorder's uniform arena (one buffer per
   * ARENA_SLOTS launches instead of one per launch), written to the GPU before the next submit.
   */
  private paramBlock(params: ArrayBuffer): GPUBufferBinding {
    if (params.byteLength > SLOT_BYTES)
      throw new Error(`gpu kernel parameters exceed ${SLOT_BYTES} bytes`);
    if (!this.arena || this.slot === ARENA_SLOTS) {
      this.flushArena();
      this.arena = this.ctx.device.createBuffer({
        size: ARENA_SLOTS * SLOT_BYTES,
        usage: 0x40 | 0x08,
      }); // UNIFORM | COPY_DST
      this.owned.push(this.arena);
      this.slot = this.flushedSlot = 0;
    }
    const offset = this.slot * SLOT_BYTES;
    this.arenaHost.set(new Uint8Array(params), offset);
    this.slot += 1;
    return {
      buffer: this.arena,
      offset,
      size: Math.max(16, Math.ceil(params.byteLength / 16) * 16),
    };
  }

  /** Writes the arena's slots filled since the last write (queued before any later submit). */
  private flushArena(): void {
    if (!this.arena || this.slot === this.flushedSlot) return;
    const from = this.flushedSlot * SLOT_BYTES;
    const bytes = (this.slot - this.flushedSlot) * SLOT_BYTES;
    this.ctx.device.queue.writeBuffer(this.arena, from, this.arenaHost.buffer, from, bytes);
    this.flushedSlot = this.slot;
  }

  /** A 1-D launch of `count` threads in workgroups of `wg`, folded into x·y ≤ 65535². */
  dispatchFlat(code: string, buffers: GpuTensor[], params: ArrayBuffer, count: number, wg = 256) {
    const groups = Math.max(1, Math.ceil(count / wg));
    const x = Math.min(groups, MAX_GROUPS);
    this.dispatch(code, buffers, params, [x, Math.ceil(groups / x), 1]);
  }

  /** Submits what was recorded so far and starts a new command buffer. */
  submit(): void {
    if (this.launches > this.submitted) {
      this.lastSubmit = performance.now();
      this.submitted = this.launches;
    }
    this.flushArena();
    this.endPass();
    this.ctx.device.queue.submit([this.enc.finish()]);
    this.enc = this.ctx.device.createCommandEncoder();
  }

  /**
   * Waits for the submitted work, gives the scratch buffers back to the pool, throws what the
   * pass raised.
   */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const device = this.ctx.device;
    this.endPass();
    const times = this.timer?.resolve(this.enc) ?? null;
    this.submit();
    await device.queue.onSubmittedWorkDone();
    const profiler = this.ctx.profiler;
    if (this.timer && profiler) {
      const submitted = this.lastSubmit ?? performance.now();
      profiler.recordMs += submitted - this.started;
      profiler.waitMs += performance.now() - submitted;
      await this.timer.collect(times);
    }
    for (const b of this.temps) this.ctx.scratch.give(b);
    for (const b of this.owned) b.destroy();
    this.temps.length = this.owned.length = 0;
    const oom = await device.popErrorScope();
    const invalid = await device.popErrorScope();
    const err = oom ?? invalid;
    if (err)
      throw new Error(`gpu fast path: ${oom ? "out of memory" : "invalid launch"}: ${err.message}`);
  }
}

/** A parameter block of u32/f32 fields in declaration order (the WGSL struct's layout). */
export function params(fields: (number | { f32: number })[]): ArrayBuffer {
  const buf = new ArrayBuffer(fields.length * 4);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  fields.forEach((v, i) => {
    if (typeof v === "number") {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        throw new Error(`gpu kernel parameter ${i} = ${v} is not a u32`);
      }
      u[i] = v;
    } else f[i] = v.f32;
  });
  return buf;
}

/** The flat thread index of a 1-D launch folded by dispatchFlat (WGSL, workgroups of 256). */
export const FLAT_INDEX = `
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let i = (wg.y * nwg.x + wg.x) * 256u + li;
  body(i);
}`;
