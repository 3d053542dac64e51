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
import { parseArgs, positiveNumber, UsageError } from "./args.js";
import { requireFlag } from "./awareness-common.js";
import { register } from "./registry.js";

const spec = {
  out: { type: "string" },
  seed: { type: "number" },
  "per-class": { type: "number" },
  templates: { type: "string" },
  json: { type: "boolean" },
} as const;

register({
  name: "awareness synth-labelled",
  summary:
    "Write synthetic labelled transcripts (known ground truth, unseen triggers) for judge validation",
  usage:
    "awareness synth-labelled --out DIR [--templates a|b|c|d|e] [--seed 1] [--per-class 25] [--json]",
  run(argv, io) {
    const { flags } = parseArgs(argv, spec);
    const out = requireFlag(flags.out, "out");
    const seed = flags.seed ?? 1;
    if (!Number.isInteger(seed)) throw new UsageError("--seed must be an integer");
    const perClass = positiveNumber(flags["per-class"] ?? 25, "per-class");
    const name = flags.templates ?? "a";
    const templates = TEMPLATE_SETS[name];
    if (!templates)
      throw new UsageError(
        `--templates must be one of ${Object.keys(TEMPLATE_SETS).join(", ")}, got '${name}'`,
      );
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
