/**
 * One definition per command: name, summary, positionals and typed options. `defineCommand` turns
 * it into the registered command, which parses and validates argv, starts the engine when asked,
 * wires SIGINT/SIGTERM to an AbortSignal for long or serving commands, and maps an interruption
 * to exit 130 with where the work is saved and the command that resumes it. Handlers only call
 * the library.
 */
import { initEngine } from "../engine/device.js";
import { progressBar } from "../progress/bar.js";
import type { Progress } from "../progress/progress.js";
import { EXIT } from "./exit-codes.js";
import type { PositionalDef } from "./help.js";
import { parseOptions, UsageError, type OptionSpec, type OptionValues } from "./options.js";
import { register, type CommandIO } from "./registry.js";
import { stoppedBy, withStopSignals } from "./signals.js";

export interface CommandContext {
  io: CommandIO;
  /** Aborted by SIGINT/SIGTERM for commands with `interrupt` or `service`; never otherwise. */
  signal: AbortSignal;
  /** A progress bar on stderr. */
  progress: (label: string) => Progress;
  /** Says where the work keeps its state, for the resume hint when it is interrupted. */
  savedIn: (where: string) => void;
}

export interface ParsedArgs<S extends OptionSpec> {
  opts: OptionValues<S>;
  positionals: string[];
}

export interface CommandDef<S extends OptionSpec> {
  /** Space-separated path, e.g. "sae train". */
  name: string;
  summary: string;
  /** A synopsis when the generated one cannot say it (alternatives like A | B). */
  usage?: string;
  positionals?: readonly PositionalDef[];
  options: S;
  /** Extra help after the options. */
  notes?: () => string;
  /** Initialise the engine on the `--device` option before running. */
  engine?: boolean;
  /** Long work that SIGINT/SIGTERM stops and saves: where, and the argv that resumes it. */
  interrupt?: {
    savedIn?: (args: ParsedArgs<S>) => string;
    resume?: (argv: string[]) => string[];
  };
  /** Runs until SIGINT/SIGTERM, which stop it normally (exit 0): servers and workers. */
  service?: boolean;
  run: (args: ParsedArgs<S>, ctx: CommandContext) => Promise<number>;
}

function checkPositionals(defs: readonly PositionalDef[], given: string[]): void {
  if (given.length > defs.length)
    throw new UsageError(`unexpected argument '${given[defs.length]}'`);
  const missing = defs.slice(given.length).find((p) => !p.optional);
  if (missing) throw new UsageError(`missing ${missing.name}: ${missing.description}`);
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

function resumeHint<S extends OptionSpec>(
  def: CommandDef<S>,
  argv: string[],
  where: string,
  by: string,
): string {
  const again = def.interrupt!.resume?.(argv) ?? argv;
  return (
    `interrupted by ${by}: what was done is saved in ${where}\n` +
    `resume with: trigscope ${def.name} ${again.map(quote).join(" ")}`.trimEnd()
  );
}

async function stoppable<S extends OptionSpec>(
  def: CommandDef<S>,
  args: ParsedArgs<S>,
  argv: string[],
  io: CommandIO,
): Promise<number> {
  return withStopSignals(async (signal) => {
    let where = def.interrupt?.savedIn?.(args) ?? "its output folder";
    const ctx = {
      io,
      signal,
      progress: (label: string) => progressBar(label, io.stderr),
      savedIn: (w: string) => void (where = w),
    };
    let code: number;
    try {
      code = await def.run(args, ctx);
    } catch (err) {
      if (!def.interrupt || !stoppedBy(signal)) throw err;
      code = EXIT.interrupted;
    }
    const by = stoppedBy(signal);
    if (!def.interrupt || !by) return code;
    io.stderr(resumeHint(def, argv, where, by));
    return EXIT.interrupted;
  });
}

const NEVER = new AbortController().signal;

/** Registers a command from its definition. */
export function defineCommand<const S extends OptionSpec>(def: CommandDef<S>): void {
  register({
    name: def.name,
    summary: def.summary,
    help: def,
    async run(argv, io) {
      const { values, positionals } = parseOptions(argv, def.options);
      checkPositionals(def.positionals ?? [], positionals);
      const args = { opts: values, positionals };
      if (def.engine) {
        const device = (values as { device?: "wasm" | "webgpu" }).device ?? "wasm";
        await initEngine(device);
      }
      if (def.interrupt || def.service) return stoppable(def, args, argv, io);
      const progress = (label: string) => progressBar(label, io.stderr);
      return def.run(args, { io, signal: NEVER, progress, savedIn: () => {} });
    },
  });
}
