/**
 * The CLI's command registry: a map from a command path ("generate", "sae train") to the command
 * that `defineCommand` (./command.ts) built from its definition. `register` throws on duplicates.
 * A group is the first word of multi-word paths ("sae", "awareness"); it has help, no handler.
 */
import type { CommandHelp } from "./help.js";

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface Command {
  /** Space-separated path, e.g. "model info". */
  name: string;
  summary: string;
  help: CommandHelp;
  /** Parses and validates argv (throwing UsageError), runs, returns the exit code. */
  run: (argv: string[], io: CommandIO) => Promise<number>;
}

const commands = new Map<string, Command>();

export function register(cmd: Command): void {
  if (commands.has(cmd.name)) throw new Error(`command '${cmd.name}' is registered twice`);
  commands.set(cmd.name, cmd);
}

export function allCommands(): Command[] {
  return [...commands.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The commands of a group ("sae" → sae eval, sae label, …); empty when it is not a group. */
export function groupCommands(group: string): Command[] {
  return allCommands().filter((c) => c.name.startsWith(`${group} `));
}

/** Finds the longest registered command path that prefixes argv. */
export function resolve(argv: string[]): { cmd: Command; rest: string[] } | null {
  for (let n = Math.min(argv.length, 3); n >= 1; n--) {
    const cmd = commands.get(argv.slice(0, n).join(" "));
    if (cmd) return { cmd, rest: argv.slice(n) };
  }
  return null;
}
