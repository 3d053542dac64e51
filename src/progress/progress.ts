/**
 * A progress bar for long jobs, written to stderr: "label [#####-----] 42/100 3.1/s ETA 0:19".
 * On a terminal it redraws one line (at most every `intervalMs`); elsewhere (logs, CI) it prints a
 * line at every 10% so output stays readable.
 */

export interface ProgressOptions {
  label: string;
  write: (text: string) => void;
  isTTY: boolean;
  width?: number;
  intervalMs?: number;
  now?: () => number;
}

export interface Progress {
  update(done: number, total: number, extra?: string): void;
  finish(extra?: string): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

export function progressLine(
  label: string,
  done: number,
  total: number,
  elapsedS: number,
  sinceStart: number,
  width: number,
  extra = "",
): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  const rate = elapsedS > 0 ? sinceStart / elapsedS : 0;
  const eta = rate > 0 ? (total - done) / rate : NaN;
  const rateText = rate >= 10 ? rate.toFixed(0) : rate.toFixed(1);
  return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${rateText}/s ETA ${done >= total ? "0:00" : formatDuration(eta)}${extra ? " " + extra : ""}`;
}

export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? Date.now;
  const width = opts.width ?? 30;
  const interval = opts.intervalMs ?? 100;
  const start = now();
  let first: number | null = null;
  let lastDraw = -Infinity;
  let lastDecile = -1;
  let last = { done: 0, total: 0, extra: "" };
  const line = () =>
    progressLine(
      opts.label,
      last.done,
      last.total,
      (now() - start) / 1000,
      last.done - (first ?? 0),
      width,
      last.extra,
    );
  return {
    update(done, total, extra = "") {
      if (first === null) first = done; // work already done before this process does not count toward the rate
      last = { done, total, extra };
      if (opts.isTTY) {
        if (now() - lastDraw >= interval) {
          opts.write(`\r${line()}\u001b[K`);
          lastDraw = now();
        }
      } else {
        const decile = total > 0 ? Math.floor((10 * done) / total) : 10;
        if (decile > lastDecile) {
          opts.write(line() + "\n");
          lastDecile = decile;
        }
      }
    },
    finish(extra) {
      if (extra !== undefined) last.extra = extra;
      if (opts.isTTY) opts.write(`\r${line()}\u001b[K\n`);
      else if (lastDecile < 10) opts.write(line() + "\n");
    },
  };
}
