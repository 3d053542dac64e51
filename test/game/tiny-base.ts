/**
 * A tiny base for game tests (CPU, ~20 s): test/fixtures/organisms/tiny-base.json (2 layers, d32,
 * vocabulary 600) with a TopK SAE on blocks.0.hook_resid_post and its lexicon labels, in `dir`.
 */
import { cpSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { runCommand } from "../cli/run-command.js";

const fixtures = join(import.meta.dirname, "../fixtures/organisms");

export async function buildTinyBase(base: string, scratch: string): Promise<void> {
  cpSync(join(fixtures, "tiny-base.json"), join(scratch, "tiny-base.json"));
  const run = async (...a: string[]) => expect((await runCommand(a)).code).toBe(0);
  await run("organism", "build", "--spec", join(scratch, "tiny-base.json"), "--out", base);
  await run(
    ...["sae", "train", "--model", base, "--hook", "blocks.0.hook_resid_post"],
    ...["--expansion", "4", "--k", "4", "--tokens", "8192", "--out", join(base, "sae")],
  );
  await run(
    ...["sae", "label", "--model", base, "--sae", join(base, "sae")],
    ...["--out", join(base, "sae", "labels.json"), "--tokens", "4000"],
  );
}
