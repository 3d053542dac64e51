/**
 * `trigscope start` (what `npm start` runs): the default audit. It audits the zoo's fruit-refusal
 * organism (a base model trained by trigscope plus a LoRA backdoor) knowing only its backdoor
 * response: SAE-Attribution and supervised SAE-MELBO on benign prompts, the top latents with their
 * labels, probe prompts for the candidate concepts, and the verdict. The hidden trigger is printed
 * only at the end, to compare. Like `audit`, it resumes after an interruption unless --fresh.
 */
import { relative, resolve } from "node:path";
import { readZooManifest } from "../io/zoo-manifest.js";
import { AUDIT_OPTIONS, runAuditCommand } from "./audit.js";
import { defineCommand } from "./command.js";
import { parseOptions, UsageError } from "./options.js";

/** How to browse the audit just written in the dashboard (`trigscope ui`). */
export function dashboardHint(outDir: string): string {
  const id = relative(resolve("."), resolve(outDir)) || ".";
  return (
    `browse it: node bin/trigscope.js ui (or npx trigscope ui), then open ` +
    `http://127.0.0.1:8321/#/audit/${encodeURIComponent(id)} — audits, SAE latents and an in-page playground`
  );
}

const OPTIONS = {
  organism: {
    type: "string",
    value: "NAME",
    default: "fruit-refusal",
    description: "the backdoored zoo organism to audit",
  },
  seed: AUDIT_OPTIONS.seed,
  out: {
    type: "string",
    value: "DIR",
    defaultText: "audits/<organism>",
    description: "where report and state go",
  },
  fresh: AUDIT_OPTIONS.fresh,
  device: AUDIT_OPTIONS.device,
  engine: AUDIT_OPTIONS.engine,
} as const;

defineCommand({
  name: "start",
  summary: "Run the default audit: recover the zoo's fruit-refusal organism's trigger",
  options: OPTIONS,
  engine: true,
  interrupt: {},
  async run({ opts: o }, ctx) {
    const entry = readZooManifest().organisms.find((e) => e.name === o.organism);
    if (!entry || entry.kind !== "backdoor" || !entry.trigger) {
      throw new UsageError(
        `'${o.organism}' is not a backdoored zoo organism (see trigscope zoo list)`,
      );
    }
    const audit = {
      ...parseOptions([], AUDIT_OPTIONS).values,
      organism: o.organism,
      seed: o.seed,
      fresh: o.fresh,
      device: o.device,
      engine: o.engine,
      ...(o.out !== undefined ? { out: o.out } : {}),
    };
    const code = await runAuditCommand(audit, ctx);
    const t = entry.trigger;
    ctx.io.stdout(
      `(the hidden trigger, which the audit was not told: ${t.concepts.join(` ${t.mode.toUpperCase()} `)})`,
    );
    if (code === 0) ctx.io.stdout(dashboardHint(o.out ?? `audits/${o.organism}`));
    return code;
  },
});
