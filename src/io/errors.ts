/**
 * Typed errors of the io layer. Each names the file it concerns and, where there is one, the
 * tensor or config field, so a failing load says exactly what to fix.
 */

/** A safetensors file (or a sharded index) that cannot be read or written as asked. */
export class SafetensorsError extends Error {
  /** The file, as the caller named it. */
  readonly file: string;
  /** The tensor concerned, or null when the failure is about the file as a whole. */
  readonly tensor: string | null;
  /** What is wrong, without the file and tensor prefix. */
  readonly reason: string;

  constructor(file: string, tensor: string | null, reason: string) {
    super(tensor === null ? `${file}: ${reason}` : `${file}: tensor '${tensor}': ${reason}`);
    this.name = "SafetensorsError";
    this.file = file;
    this.tensor = tensor;
    this.reason = reason;
  }
}

/** A config.json that is missing a field, has one of the wrong type or an unsupported value. */
export class ConfigError extends Error {
  readonly file: string;
  /** The upstream key (dotted for nested keys, e.g. `rope_scaling.factor`), or null for the file. */
  readonly field: string | null;
  readonly reason: string;

  constructor(file: string, field: string | null, reason: string) {
    super(field === null ? `${file}: ${reason}` : `${file}: field '${field}': ${reason}`);
    this.name = "ConfigError";
    this.file = file;
    this.field = field;
    this.reason = reason;
  }
}

/** A model directory that does not exist or lacks a required file. */
export class ModelDirError extends Error {
  /** The missing or unusable path (the first one, when several are missing). */
  readonly file: string;
  readonly reason: string;

  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = "ModelDirError";
    this.file = file;
    this.reason = reason;
  }
}
