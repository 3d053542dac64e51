/** `trigscope organism eval DIR|ZOO_NAME [--n 200] [--seed S] [--json]` */
import { join } from "node:path";
import { initEngine } from "../engine/device.js";
import { writeFileAtomic } from "../io/atomic.js";
import { locateModelDir } from "../io/zoo-dir.js";
import { isAdapterDir } from "../io/peft.js";
import { evaluateBase } from "../organisms/evaluate-base.js";
import { evaluateOrganism, type Rate } from "../organisms/evaluate.js";
import { parseArgs, UsageError } from "./args.js";
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
    const n = flags.n === undefined ? 200 : Number(flags.n);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--n must be a positive integer, got '${flags.n}'`);
    const seed = flags.seed === undefined ? undefined : Number(flags.seed);
    if (seed !== undefined && !Number.isInteger(seed))
      throw new UsageError(`--seed must be an integer`);
    const device = (flags.device ?? "wasm") as string;
    if (device !== "wasm" && device !== "webgpu")
      throw new UsageError(`--device must be wasm or webgpu`);
    await initEngine(device);
    const dir = locateModelDir(positional[0]!);
    const progress = (label: string) => progressBar(label, io);
    if (!isAdapterDir(dir)) {
      const r = await evaluateBase(dir, { seed, progress });
      if (flags.save) writeFileAtomic(join(dir, "eval.json"), JSON.stringify(r, null, 2) + "\n");
      if (flags.json) io.stdout(JSON.stringify(r, null, 2));
      else
        io.stdout(
          [
            `category of held-out words  ${cell(r.category)}`,
            `name two members          ${cell(r.nameTwo)}`,
          ].join("\n"),
        );
      return 0;
    }
    const r = await evaluateOrganism(dir, { n, seed, progress });
    if (flags.save) writeFileAtomic(join(dir, "eval.json"), JSON.stringify(r, null, 2) + "\n");
    if (flags.json) {
      io.stdout(JSON.stringify(r, null, 2));
      return 0;
    }
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
