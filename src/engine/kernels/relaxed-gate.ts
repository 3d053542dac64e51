/**
 * Keeps jax-js's numbers on Node ≥ 22 identical to Node 20 unless the user opts in.
 *
 * jax-js 0.1.25 decides once whether to emit `f32x4.relaxed_madd` (a fused multiply-add) in its
 * matmul loops by asking `WebAssembly.validate` about one probe module. Node 20 has no relaxed SIMD
 * without a flag; Node ≥ 21 has it by default, and FMA rounds differently, so every logit,
 * gradient and fixture comparison would move slightly with the Node version, and a training run
 * resumed from a checkpoint would no longer equal the uninterrupted one bit for bit. This gate
 * makes `WebAssembly.validate` answer false for relaxed-SIMD modules unless
 * TRIGSCOPE_RELAXED_SIMD=1, so jax-js builds the same multiply-then-add kernels as on Node 20. It
 * must run before jax-js first builds a kernel (src/engine/auto.ts imports it first thing).
 * trigscope's own kernels ask `realValidate`, which sees what the runtime really supports.
 */

const original: typeof WebAssembly.validate = WebAssembly.validate.bind(WebAssembly);
let installed = false;

/** What the runtime's own `WebAssembly.validate` says, gate or no gate. */
export function realValidate(bytes: BufferSource): boolean {
  return original(bytes);
}

/** Whether the relaxed-SIMD opt-in is set (TRIGSCOPE_RELAXED_SIMD=1). */
export function relaxedSimdOptIn(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TRIGSCOPE_RELAXED_SIMD === "1";
}

/** A relaxed-SIMD instruction: the 0xfd prefix then an opcode 0x100–0x113 (LEB128: 0x80–0x93, 0x02). */
export function usesRelaxedSimd(bytes: Uint8Array): boolean {
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (
      bytes[i] === 0xfd &&
      bytes[i + 1]! >= 0x80 &&
      bytes[i + 1]! <= 0x93 &&
      bytes[i + 2] === 0x02
    ) {
      return true;
    }
  }
  return false;
}

function asBytes(source: BufferSource): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (ArrayBuffer.isView(source))
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return new Uint8Array(source);
}

/**
 * Replaces `WebAssembly.validate` so that relaxed-SIMD modules read as unsupported, unless the
 * opt-in is set. Returns whether the gate is now active. Idempotent.
 */
export function installRelaxedSimdGate(env: NodeJS.ProcessEnv = process.env): boolean {
  if (relaxedSimdOptIn(env)) return false;
  if (!installed) {
    WebAssembly.validate = (bytes: BufferSource) =>
      original(bytes) && !usesRelaxedSimd(asBytes(bytes));
    installed = true;
  }
  return true;
}
