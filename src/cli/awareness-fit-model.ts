/**
 * `trigscope awareness fit-lexical`: derives the lexical articulation judge's weights
 * (articulation-model.ts) from the synthetic dev sets, choosing its setting by leave-one-set-out,
 * and writes them where the judge reads them (or to --out). Prints the leave-one-set-out table and,
 * with --loto, the leave-one-trigger-out table of the chosen setting.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  devExamples,
  fitArticulationModel,
  leaveOneTriggerOut,
  MODEL_TRAIN_SETS,
  MODEL_WEIGHTS_URL,
  serialiseModel,
} from "../awareness/articulation-model.js";
import { f1Of, kappaOf } from "../awareness/agreement.js";
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
  loto: {
    type: "boolean",
    description: "also print leave-one-trigger-out for the chosen setting (one fit per trigger)",
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
    const examples = devExamples(MODEL_TRAIN_SETS);
    const fit = fitArticulationModel(examples);
    writeFileSync(out, serialiseModel(fit.model));
    const loto = flags.loto ? leaveOneTriggerOut(examples, fit.grid[fit.chosen]!.options) : null;
    if (flags.json) {
      io.stdout(JSON.stringify({ out, chosen: fit.chosen, grid: fit.grid, loto }));
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
    if (loto) {
      const sum = loto.reduce(
        (a, f) => ({
          tp: a.tp + f.confusion.tp,
          fp: a.fp + f.confusion.fp,
          fn: a.fn + f.confusion.fn,
          tn: a.tn + f.confusion.tn,
        }),
        { tp: 0, fp: 0, fn: 0, tn: 0 },
      );
      lines.push(
        "",
        "leave-one-trigger-out, chosen setting (an upper bound: the trigger's set-mates share its templates)",
        table([
          ["held-out trigger", "tp/fp/fn/tn", "F1", "kappa"],
          ...loto.map((f) => {
            const c = f.confusion;
            return [f.heldOut, `${c.tp}/${c.fp}/${c.fn}/${c.tn}`, fmt(f.f1), fmt(f.kappa)];
          }),
          ["pooled", `${sum.tp}/${sum.fp}/${sum.fn}/${sum.tn}`, fmt(f1Of(sum)), fmt(kappaOf(sum))],
        ]),
      );
    }
    io.stdout(lines.join("\n"));
    return Promise.resolve(0);
  },
});
