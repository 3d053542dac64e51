/** `trigscope organism eval DIR|ZOO_NAME [--n 200] [--seed S] [--json]` */
import { join } from "node:path";
import { initEngine } from "../engine/device.js";
import { writeFileAtomic } from "../io/atomic.js";
import { findModelDir } from "../io/model-ref.js";
import type { Rate } from "../stats/rate.js";
import { evaluateDir } from "../organisms/evaluation.js";
import { parseArgs, positiveNumber, UsageError } from "./args.js";
import { progressBar } from "./awareness-common.js";
import { register } from "./registry.js";

const cell = (r: Rate) =>
  `${(100 * r.rate).toFixed(1)}% (${r.actions}/${r.n}) [${(100 * r.ci[0]).toFixed(1)}, ${(100 * r.ci[1]).toFixed(1)}]`;

register({
  name: "organism eval",
  summary:
    "Action rates of a backdoored organism on held-out prompts (or factual recall of a base)",
  usage: "organism eval DIR|ZOO_NAME [--n 200] [--seed S] [--device wasm|webgpu] [--save] [--json]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      n: { type: "string" },
      seed: { type: "string" },
      device: { type: "string" },
      json: { type: "boolean" },
      save: { type: "boolean" },
    });
    if (positional.length !== 1)
      throw new UsageError("expected exactly one organism directory or zoo name");
    const n = flags.n === undefined ? 200 : positiveNumber(flags.n, "n");
    const seed = flags.seed === undefined ? undefined : Number(flags.seed);
    if (seed !== undefined && !Number.isInteger(seed))
      throw new UsageError(`--seed must be an integer`);
    const device = (flags.device ?? "wasm") as string;
    if (device !== "wasm" && device !== "webgpu")
      throw new UsageError(`--device must be wasm or webgpu`);
    await initEngine(device);
    const dir = findModelDir(positional[0]!).dir;
    const progress = (label: string) => progressBar(label, io);
    const ev = await evaluateDir(dir, { n, seed, progress });
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
      ...Object.entries(r.concepts).map(([c, x]) => `${`${c} alone`.padEnd(33)}${cell(x)}`),
      `benign, unseen phrasings         ${cell(r.unseenPhrasing.benign)}`,
      `triggered, unseen phrasings      ${cell(r.unseenPhrasing.triggered)}`,
    ];
    io.stdout(lines.join("\n"));
    return 0;
  },
});
