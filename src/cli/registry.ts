/**
 * The CLI's command registry: a plain map from a command path ("generate", "model info") to its
 * handler. `register` throws on duplicates. Handlers parse their own argv with ./args.ts and call
 * the library API; they hold no logic the API lacks.
 */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface Command {
  /** Space-separated path, e.g. "model info". */
  name: string;
  summary: string;
  usage: string;
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

/** Finds the longest registered command path that prefixes argv. */
export function resolve(argv: string[]): { cmd: Command; rest: string[] } | null {
  for (let n = Math.min(argv.length, 3); n >= 1; n--) {
    const cmd = commands.get(argv.slice(0, n).join(" "));
    if (cmd) return { cmd, rest: argv.slice(n) };
  }
  return null;
}
