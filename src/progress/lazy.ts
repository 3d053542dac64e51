/**
 * A progress bar made at its first update: a bar's rate counts from when it is made, so a bar
 * handed to work that starts later (SAE training after its activation buffer fills) would
 * under-report its rate if it were made up front.
 */
import type { Progress } from "./progress.js";

export function lazyProgress(make: () => Progress): Progress {
  let bar: Progress | null = null;
  const get = () => (bar ??= make());
  return {
    update: (done, total, extra) => get().update(done, total, extra),
    finish: (extra) => get().finish(extra),
  };
}
