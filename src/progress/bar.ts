/**
 * The progress bar the commands draw on stderr: redrawn in place on a terminal, a line at every
 * 10% otherwise (logs, CI, a parent process reading a pipe). The drawing itself is ./progress.ts.
 */
import { createProgress, type Progress } from "./progress.js";

/** A bar labelled `label`; off a terminal its lines go to `writeLine` (one line per call). */
export function progressBar(label: string, writeLine: (line: string) => void): Progress {
  const tty = process.stderr.isTTY === true;
  return createProgress({
    label,
    isTTY: tty,
    write: tty ? (t) => process.stderr.write(t) : (t) => writeLine(t.replace(/\n$/, "")),
  });
}
