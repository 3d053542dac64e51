/**
 * Runs a registered CLI command in-process and collects what it prints. Errors propagate (unlike
 * `main`, which maps them to exit codes), so tests can assert on the error itself.
 */
import "../../src/cli/commands.js";
import { resolve } from "../../src/cli/registry.js";

export async function runCommand(
  argv: string[],
): Promise<{ code: number; out: string; err: string }> {
  const found = resolve(argv);
  if (!found) throw new Error(`no command '${argv.join(" ")}'`);
  const out: string[] = [];
  const err: string[] = [];
  const code = await found.cmd.run(found.rest, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
