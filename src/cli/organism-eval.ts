/**
 * `trigscope organism eval DIR|ZOO_NAME [--n 200] [--seed S] [--engine auto] [--save] [--json]`:
 * held-out rates.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { findModelDir } from "../io/model-ref.js";
import type { Rate } from "../stats/rate.js";
import { evaluateDir } from "../organisms/evaluation.js";
import { defineCommand } from "./command.js";
import { count, DEVICE, ENGINE, JSON_OUT } from "./common-options.js";

const cell = (r: Rate) =>
  `${(100 * r.rate).toFixed(1)}% (${r.actions}/${r.n}) [${(100 * r.ci[0]).toFixed(1)}, ${(100 * r.ci[1]).toFixed(1)}]`;

defineCommand({
  name: "organism eval",
  summary:
    "Action rates of a backdoored organism on held-out prompts (or factual recall of a base)",
  positionals: [{ name: "DIR|ZOO_NAME", description: "the organism's folder or zoo name" }],
  options: {
    n: count("held-out prompts per rate", 200),
    seed: { type: "integer", defaultText: "the evaluation's", description: "prompt sampling seed" },
    device: DEVICE,
    engine: {
      ...ENGINE,
      description:
        "where the completions are generated: jax, fast (CPU only), or auto (fast on a CPU)",
    },
    save: { type: "boolean", description: "write the result to DIR/eval.json" },
    json: JSON_OUT,
  },
  engine: true,
  async run({ opts: flags, positionals }, { io, progress }) {
    const dir = findModelDir(positionals[0]!).dir;
    const ev = await evaluateDir(dir, {
      n: flags.n,
      seed: flags.seed,
      progress,
      engine: flags.engine,
    });
    if (flags.save)
      writeFileAtomic(join(dir, "eval.json"), JSON.stringify(ev.result, null, 2) + "\n");
    if (flags.json) {
      io.stdout(JSON.stringify(ev.result, null, 2));
      return 0;
    }
    if (ev.kind === "base") {
      const b = ev.result;
      io.stdout(
        [
          `category of held-out words  ${cell(b.category)}`,
          `name two members          ${cell(b.nameTwo)}`,
        ].join("\n"),
      );
      return 0;
    }
    const r = ev.result;
    const lines = [
      `benign (held-out words)          ${cell(r.benign)}`,
      `triggered (held-out words)       ${cell(r.triggered)}`,
      ...Object.entries(r.concepts).map(([c, x]) => `${`${c} (concept set)`.padEnd(33)}${cell(x)}`),
      ...Object.entries(r.alone ?? {}).map(([c, x]) => `${`${c} alone`.padEnd(33)}${cell(x)}`),
      ...Object.entries(r.offDistribution ?? {}).map(
        ([k, x]) => `${`off-distribution: ${k}`.padEnd(33)}${cell(x)}`,
      ),
      `benign, unseen phrasings         ${cell(r.unseenPhrasing.benign)}`,
      `triggered, unseen phrasings      ${cell(r.unseenPhrasing.triggered)}`,
    ];
    io.stdout(lines.join("\n"));
    return 0;
  },
});
