/**
 * Node 20 polyfills that jax-js expects from a browser. Installed once, before the first
 * `import("@jax-js/jax")` (see ./setup.ts). Each is only defined where Node lacks it.
 */
import { availableParallelism } from "node:os";
import { WorkerShim } from "./worker-shim.js";

/** Round-to-nearest-even conversion of a float32 value to IEEE half bits. */
export function floatToHalfBits(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** IEEE half bits to a JS number (exact). */
export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * A minimal but real Float16Array: a Uint16Array storage whose indexed reads/writes convert.
 * jax-js only constructs it for float16 arrays; trigscope upcasts F16 weights itself.
 */
function makeFloat16Array(): unknown {
  const float16Instances = new WeakSet<object>();
  const handler: ProxyHandler<Uint16Array> = {
    get(target, prop, receiver) {
      if (typeof prop === "string" && /^\d+$/.test(prop)) {
        const i = Number(prop);
        return i < target.length ? halfBitsToFloat(target[i]!) : undefined;
      }
      if (prop === Symbol.iterator) {
        return function* () {
          for (let i = 0; i < target.length; i++) yield halfBitsToFloat(target[i]!);
        };
      }
      const v = Reflect.get(target, prop, receiver === undefined ? target : target);
      return typeof v === "function" ? v.bind(target) : v;
    },
    set(target, prop, value) {
      if (typeof prop === "string" && /^\d+$/.test(prop)) {
        target[Number(prop)] = floatToHalfBits(Number(value));
        return true;
      }
      return Reflect.set(target, prop, value);
    },
  };
  function Float16Array(this: unknown, ...args: unknown[]): unknown {
    const [a, b, c] = args;
    let storage: Uint16Array;
    if (a instanceof ArrayBuffer || a instanceof SharedArrayBuffer) {
      storage = new Uint16Array(a, b as number | undefined, c as number | undefined);
    } else if (typeof a === "number" || a === undefined) {
      storage = new Uint16Array(a ?? 0);
    } else {
      const src = Array.from(a as ArrayLike<number>);
      storage = new Uint16Array(src.length);
      for (let i = 0; i < src.length; i++) storage[i] = floatToHalfBits(src[i]!);
    }
    const proxy = new Proxy(storage, handler);
    float16Instances.add(proxy);
    return proxy;
  }
  Object.defineProperty(Float16Array, "BYTES_PER_ELEMENT", { value: 2 });
  Object.defineProperty(Float16Array, Symbol.hasInstance, {
    value: (x: unknown) => typeof x === "object" && x !== null && float16Instances.has(x),
  });
  return Float16Array;
}

/** Iterator helpers (`map`, `filter`, `toArray`, …) that Node 20's iterators lack. */
function installIteratorHelpers(): void {
  const iterProto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as Record<
    string,
    unknown
  >;
  const genProto = Object.getPrototypeOf(function* () {}.prototype) as Record<string, unknown>;
  const define = (name: string, fn: unknown) => {
    for (const proto of [iterProto, genProto]) {
      if (typeof proto[name] !== "function") {
        Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
      }
    }
  };
  define("map", function* (this: Iterator<unknown>, f: (x: unknown, i: number) => unknown) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next()) yield f(r.value, i++);
  });
  define("filter", function* (this: Iterator<unknown>, f: (x: unknown, i: number) => boolean) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next()) if (f(r.value, i++)) yield r.value;
  });
  define("toArray", function (this: Iterator<unknown>) {
    const out: unknown[] = [];
    for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
    return out;
  });
  define("forEach", function (this: Iterator<unknown>, f: (x: unknown, i: number) => void) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next()) f(r.value, i++);
  });
  define("some", function (this: Iterator<unknown>, f: (x: unknown, i: number) => boolean) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next()) if (f(r.value, i++)) return true;
    return false;
  });
  define("every", function (this: Iterator<unknown>, f: (x: unknown, i: number) => boolean) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next()) if (!f(r.value, i++)) return false;
    return true;
  });
  define(
    "reduce",
    function (this: Iterator<unknown>, f: (a: unknown, x: unknown) => unknown, init?: unknown) {
      let acc = init;
      let first = arguments.length < 2;
      for (let r = this.next(); !r.done; r = this.next()) {
        if (first) {
          acc = r.value;
          first = false;
        } else acc = f(acc, r.value);
      }
      return acc;
    },
  );
}

export interface PolyfillOptions {
  /** Threads for the wasm worker pool (default: all cores). */
  threads?: number;
  /** A WebGPU `GPU` object (from the `webgpu` package) to expose as navigator.gpu. */
  gpu?: unknown;
}

export function installPolyfills(opts: PolyfillOptions = {}): void {
  const g = globalThis as Record<string, unknown>;
  const nav = (g.navigator ?? {}) as Record<string, unknown>;
  const threads = opts.threads ?? availableParallelism();
  const newNav: Record<string, unknown> = {
    hardwareConcurrency: threads,
    userAgent: "node",
  };
  if (opts.gpu !== undefined) newNav.gpu = opts.gpu;
  try {
    Object.defineProperty(globalThis, "navigator", {
      value: { ...nav, ...newNav },
      configurable: true,
      writable: true,
    });
  } catch {
    Object.assign(nav, newNav);
  }
  if (typeof g.Float16Array === "undefined") g.Float16Array = makeFloat16Array();
  installIteratorHelpers();
  if (typeof g.Worker === "undefined" && threads > 1) g.Worker = WorkerShim;
}
