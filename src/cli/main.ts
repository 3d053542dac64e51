/**
 * The `trigscope` entry point: resolve the command path (or a group, for its help), print help
 * when asked, run the command, and map what it throws to the exit codes of ./exit-codes.ts.
 */
import "./commands.js";
import { EXIT } from "./exit-codes.js";
import { commandHelp, groupHelp, synopsis, topHelp } from "./help.js";
import { UsageError } from "./options.js";
import { allCommands, groupCommands, resolve, type CommandIO } from "./registry.js";

const processIO: CommandIO = {
  stdout: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
  stderr: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
};

const wantsHelp = (args: string[]) => args.includes("--help") || args.includes("-h");

/** `trigscope GROUP [--help]` or an unknown command: help, and 0 only when help was asked. */
function noCommand(argv: string[], io: CommandIO): number {
  const group = groupCommands(argv[0]!);
  if (group.length === 0) {
    io.stderr(`trigscope: unknown command '${argv.join(" ")}'\n\n${topHelp(allCommands())}`);
    return EXIT.usage;
  }
  const help = groupHelp(argv[0]!, group);
  if (argv.length === 2 && wantsHelp(argv)) {
    io.stdout(help);
    return EXIT.ok;
  }
  const what = argv.length === 1 ? "needs a command" : `has no command '${argv[1]}'`;
  io.stderr(`trigscope ${argv[0]} ${what}\n\n${help}`);
  return EXIT.usage;
}

export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  if (argv.length === 0 || argv[0] === "help" || (argv.length === 1 && wantsHelp(argv))) {
    io.stdout(topHelp(allCommands()));
    return EXIT.ok;
  }
  const found = resolve(argv);
  if (!found) return noCommand(argv, io);
  const { cmd, rest } = found;
  if (wantsHelp(rest)) {
    io.stdout(commandHelp(cmd.help));
    return EXIT.ok;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(
        `trigscope ${cmd.name}: ${err.message}\nusage: trigscope ${cmd.name} ${synopsis(cmd.help)}\n` +
          `(trigscope ${cmd.name} --help lists every option)`,
      );
      return EXIT.usage;
    }
    const e = err as Error;
    io.stderr(`trigscope ${cmd.name}: ${e.name}: ${e.message}`);
    if (process.env.TRIGSCOPE_DEBUG) io.stderr(String(e.stack));
    return EXIT.failure;
  }
}
