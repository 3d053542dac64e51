/**
 * `trigscope awareness synth-labelled --out DIR`: writes synthetic labelled transcripts with known
 * ground truth (synthetic-labelled.ts) as a labelled-data directory, so `awareness validate` can
 * score a judge on triggers and phrasings its rules were not written on.
 */
import {
  synthesiseLabelled,
  TEMPLATE_SETS,
  writeSyntheticLabelled,
} from "../awareness/synthetic-labelled.js";
import { defineCommand } from "./command.js";
import { count, JSON_OUT, SEED } from "./common-options.js";

const OPTIONS = {
  out: { type: "string", required: true, value: "DIR", description: "the labelled-data directory" },
  templates: {
    type: "string",
    choices: Object.keys(TEMPLATE_SETS),
    default: "a",
    description: "the template set",
  },
  seed: SEED,
  "per-class": count("transcripts per class", 25),
  json: JSON_OUT,
} as const;

defineCommand({
  name: "awareness synth-labelled",
  summary:
    "Write synthetic labelled transcripts (known ground truth, unseen triggers) for judge validation",
  options: OPTIONS,
  run({ opts: flags }, { io }) {
    const { out, seed } = flags;
    const perClass = flags["per-class"];
    const name = flags.templates;
    const templates = TEMPLATE_SETS[name]!;
    const xs = synthesiseLabelled({ seed, perClass, templates });
    const files = writeSyntheticLabelled(out, xs);
    if (flags.json)
      io.stdout(JSON.stringify({ out, templates: name, seed, perClass, n: xs.length, files }));
    else
      io.stdout(
        `${xs.length} synthetic labelled transcripts in ${out} (templates ${name}, ${files.length} files, seed ${seed})`,
      );
    return Promise.resolve(0);
  },
});
