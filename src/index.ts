/**
 * trigscope's public API. Call `initEngine()` (wasm by default, "webgpu" where available) before
 * running a model; everything that reads numbers back is async.
 */
export {
  initEngine,
  currentDevice,
  DeviceUnavailableError,
  type DeviceName,
} from "./engine/device.js";
export { liveBufferCounter } from "./engine/live-buffers.js";
export * from "./io/index.js";
export * from "./model/index.js";
export * from "./tokenizer/index.js";
export * as awareness from "./awareness/index.js";
export * as organisms from "./organisms/index.js";
export * as sae from "./sae/index.js";
export * as methods from "./methods/index.js";
export * as interpret from "./interpret/index.js";
export * as audit from "./audit/index.js";
export * as sweep from "./sweep/index.js";
