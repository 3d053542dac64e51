/**
 * `trigscope start` (what `npm start` runs): the default audit. It audits the zoo's fruit-refusal
 * organism (a base model trained by trigscope plus a LoRA backdoor) knowing only its backdoor
 * response: SAE-Attribution and supervised SAE-MELBO on benign prompts, the top latents with their
 * labels, probe prompts for the candidate concepts, and the verdict. The hidden trigger is printed
 * only at the end, to compare.
 */
import { relative, resolve } from "node:path";
import { readZooManifest } from "../io/zoo-manifest.js";
import { parseArgs, UsageError } from "./args.js";
import { auditCommand } from "./audit.js";
import { register } from "./registry.js";

/** How to browse the audit just written in the dashboard (`trigscope ui`). */
export function dashboardHint(outDir: string): string {
  const id = relative(resolve("."), resolve(outDir)) || ".";
  return (
    `browse it: node bin/trigscope.js ui (or npx trigscope ui), then open ` +
    `http://127.0.0.1:8321/#/audit/${encodeURIComponent(id)} — audits, SAE latents and an in-page playground`
  );
}

register({
  name: "start",
  summary: "Run the default audit: recover the zoo's fruit-refusal organism's trigger",
  usage: "start [--organism NAME] [--seed S] [--out DIR]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      organism: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
    });
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const name = (flags.organism as string | undefined) ?? "fruit-refusal";
    const entry = readZooManifest().organisms.find((o) => o.name === name);
    if (!entry || entry.kind !== "backdoor" || !entry.trigger) {
      throw new UsageError(`'${name}' is not a backdoored zoo organism (see trigscope zoo list)`);
    }
    const rest = [
      "--organism",
      name,
      ...(flags.seed !== undefined ? ["--seed", flags.seed as string] : []),
      ...(flags.out !== undefined ? ["--out", flags.out as string] : []),
    ];
    const code = await auditCommand(rest, io);
    const t = entry.trigger;
    io.stdout(
      `(the hidden trigger, which the audit was not told: ${t.concepts.join(` ${t.mode.toUpperCase()} `)})`,
    );
    if (code === 0) io.stdout(dashboardHint((flags.out as string | undefined) ?? `audits/${name}`));
    return code;
  },
});
