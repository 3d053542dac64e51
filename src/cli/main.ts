/**
 * The `trigscope` entry point: resolve the command path, run it, map errors to exit codes.
 */
import "./commands.js";
import { UsageError } from "./args.js";
import { allCommands, resolve, type CommandIO } from "./registry.js";

const processIO: CommandIO = {
  stdout: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
  stderr: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
};

function help(): string {
  const rows = allCommands().map((c) => `  ${c.name.padEnd(22)} ${c.summary}`);
  return `trigscope: audit language models for semantic backdoors\n\nCommands:\n${rows.join("\n")}\n\nRun 'trigscope COMMAND --help' for a command's options.`;
}

export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "help") {
    io.stdout(help());
    return 0;
  }
  const found = resolve(argv);
  if (!found) {
    io.stderr(`trigscope: unknown command '${argv.join(" ")}'\n\n${help()}`);
    return 2;
  }
  if (found.rest.includes("--help")) {
    io.stdout(`usage: trigscope ${found.cmd.usage}\n\n${found.cmd.summary}`);
    return 0;
  }
  try {
    return await found.cmd.run(found.rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`trigscope ${found.cmd.name}: ${err.message}\nusage: trigscope ${found.cmd.usage}`);
      return 2;
    }
    const e = err as Error;
    io.stderr(`trigscope ${found.cmd.name}: ${e.name}: ${e.message}`);
    if (process.env.TRIGSCOPE_DEBUG) io.stderr(String(e.stack));
    return 1;
  }
}
