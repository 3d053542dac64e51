/**
 * `trigscope awareness fit-lexical`: derives the lexical articulation judge's weights
 * (articulation-model.ts) from the synthetic dev sets, choosing its setting by leave-one-set-out,
 * and writes them where the judge reads them (or to --out). Prints the leave-one-set-out table.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  devExamples,
  fitArticulationModel,
  MODEL_TRAIN_SETS,
  MODEL_WEIGHTS_URL,
  serialiseModel,
} from "../awareness/articulation-model.js";
import { table } from "./awareness-common.js";
import { defineCommand } from "./command.js";
import { JSON_OUT } from "./common-options.js";

const OPTIONS = {
  out: {
    type: "string",
    value: "FILE",
    defaultText: "src/awareness/articulation-model-weights.json",
    description: "where to write the weights",
  },
  json: JSON_OUT,
} as const;

const fmt = (x: number | null) => (x === null ? "—" : x.toFixed(3));

defineCommand({
  name: "awareness fit-lexical",
  summary:
    "Fit the lexical articulation judge on the synthetic dev sets (leave-one-set-out choice of setting)",
  options: OPTIONS,
  run({ opts: flags }, { io }) {
    const out = flags.out ?? fileURLToPath(MODEL_WEIGHTS_URL);
    const fit = fitArticulationModel(devExamples(MODEL_TRAIN_SETS));
    writeFileSync(out, serialiseModel(fit.model));
    if (flags.json) {
      io.stdout(JSON.stringify({ out, chosen: fit.chosen, grid: fit.grid }));
      return Promise.resolve(0);
    }
    const lines = [`weights: ${out} (${Object.keys(fit.model.weights).length} features)`];
    fit.grid.forEach((g, i) => {
      lines.push(
        "",
        `${i === fit.chosen ? "chosen: " : ""}${JSON.stringify(g.options)}: mean F1 ${fmt(g.meanF1)}, mean kappa ${fmt(g.meanKappa)}`,
        table([
          ["held-out set", "tp/fp/fn/tn", "F1", "kappa"],
          ...g.folds.map((f) => {
            const c = f.confusion;
            return [f.heldOut, `${c.tp}/${c.fp}/${c.fn}/${c.tn}`, fmt(f.f1), fmt(f.kappa)];
          }),
        ]),
      );
    });
    io.stdout(lines.join("\n"));
    return Promise.resolve(0);
  },
});
