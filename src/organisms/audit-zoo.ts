/**
 * The zoo as the audit sees it: the one adapter from zoo organisms to the audit's OrganismCatalog
 * and PromptSource (audit/prompt-source.ts). organisms/ imports audit/ here, never the reverse, so
 * auditing a model that is not in the zoo does not depend on the code that builds the zoo.
 */
import { join } from "node:path";
import { AuditInputError } from "../audit/errors.js";
import type { AuditOrganism, OrganismCatalog, PromptSource } from "../audit/prompt-source.js";
import { findModelDir, resolveModelRef } from "../io/model-ref.js";
import { openZoo, zooEntry, type Zoo, type ZooEntry } from "../io/zoo-manifest.js";
import { readLexiconFile, type LexiconFile } from "../lexicon/lexicon-file.js";
import { mulberry32 } from "../random/seeded.js";
import { BackdoorPrompts } from "./backdoor-prompts.js";

/**
 * Benign prompts composed from held-out words of the lexicon's concepts other than the
 * trigger's, in training phrasings: the auditor's benign set never contains the trigger.
 */
export function backdoorPromptSource(
  lexicon: LexiconFile,
  trigger: NonNullable<ZooEntry["trigger"]>,
): PromptSource {
  const gen = new BackdoorPrompts(lexicon, trigger, { split: "heldOut", phrasing: "train" });
  return {
    describe: (seed) => `composed from the lexicon's non-trigger concepts (seed ${seed})`,
    benign: (nTrain, nHeld, seed) => {
      const rng = mulberry32(seed);
      const take = (n: number) => Array.from({ length: n }, () => gen.benign(rng).text);
      return { train: take(nTrain), heldOut: take(nHeld) };
    },
  };
}

/** A backdoor organism's entry, or AuditInputError naming what is wrong with the name. */
function backdoorEntry(zoo: Zoo, name: string): ZooEntry & Required<Pick<ZooEntry, "trigger">> {
  const entry = zooEntry(zoo, name);
  if (!entry) {
    const names = zoo.manifest.organisms.map((o) => o.name);
    throw new AuditInputError(
      "organism",
      `unknown organism '${name}' (zoo: ${names.join(", ") || "empty"})`,
    );
  }
  if (entry.kind !== "backdoor" || !entry.trigger || !entry.response)
    throw new AuditInputError(
      "organism",
      `'${name}' is a ${entry.kind} organism: an audit needs a backdoor's response (pass --model, --response and --prompts)`,
    );
  return entry as ZooEntry & Required<Pick<ZooEntry, "trigger">>;
}

/**
 * The zoo's organisms for `--organism NAME`: the organism's model, its response, the base's SAE
 * and lexicon, and benign prompts from that lexicon. The manifest is read once, here.
 */
export function zooOrganisms(zoo: Zoo = openZoo()): OrganismCatalog {
  return (name: string): AuditOrganism => {
    const entry = backdoorEntry(zoo, name);
    const baseDir = findModelDir("base", { zoo }).dir;
    const lexicon = readLexiconFile(baseDir);
    return {
      model: resolveModelRef(name, { zoo }),
      response: entry.response!,
      sae: join(baseDir, "sae"),
      lexicon,
      prompts: backdoorPromptSource(lexicon, entry.trigger),
    };
  };
}
