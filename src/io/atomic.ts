/**
 * Atomic file writes: the data goes to a temporary file in the destination's directory, is
 * fsynced, and is renamed over the destination, so readers see the old file or the new one,
 * never a partial one.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";

/** Writes `data` to `path` atomically (temp file in the same directory, fsync, rename). */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", 0o644);
  let renamed = false;
  try {
    try {
      let written = 0;
      while (written < bytes.byteLength) {
        written += writeSync(fd, bytes, written, bytes.byteLength - written);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {
        // The temp file may not exist any more; the original error is the one to report.
      }
    }
  }
  syncDirectory(dir);
}

/** Writes `value` as pretty-printed JSON (2-space indent, trailing newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/** Makes the rename durable where the platform allows fsync on a directory (not Windows). */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Best effort: some platforms and file systems refuse to fsync directories.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
