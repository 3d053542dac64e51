/**
 * `trigscope game --n N --seed S [--out DIR] [--base NAME|DIR] [--template FILE] [--device webgpu]
 * [--engine jax|fast|auto] [--stage build|audit|all] [--jobs K] [--deadline SECONDS]`: N hidden
 * backdoors drawn by seed plus a clean control, built (K at once in child processes, stopped with
 * a checkpoint at the deadline; the same command resumes; --engine goes to the builds), audited
 * trigger-blind and scored; writes results.jsonl, table.md and index.html in --out and prints the
 * table. `--stage build` on a GPU machine and
 * `--stage audit` (or all) on a CPU one later play one game on two machines (zoo/gpu.sh game).
 * --template is a JSON file {"spec": {data, train, quality, evalPrompts, lora}, "audit": {methods,
 * probes, candidates, trainPrompts, heldOutPrompts, perConcept, settings, seed}}.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runGame, type GameResult } from "../game/game.js";
import type { GameAuditSettings } from "../game/blind-audit.js";
import { markdownTable } from "../game/table.js";
import { defineCommand } from "./command.js";
import { count, DEVICE, ENGINE, JSON_OUT } from "./common-options.js";
import { auditInChild, buildInChildren } from "./game-children.js";
import { EXIT } from "./exit-codes.js";
import { UsageError } from "./options.js";

const AUDIT_KEYS = [
  "methods",
  "probes",
  "candidates",
  "trainPrompts",
  "heldOutPrompts",
  "perConcept",
  "settings",
  "seed",
];

function readTemplate(file: string | undefined) {
  if (file === undefined) return { spec: {}, audit: {} };
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`${file}: cannot read a JSON template (${(e as Error).message})`);
  }
  const o = (v ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== "spec" && k !== "audit")
      throw new UsageError(`${file}: unknown key '${k}' (spec, audit)`);
  const audit = (o.audit ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(audit))
    if (!AUDIT_KEYS.includes(k))
      throw new UsageError(`${file}: unknown key 'audit.${k}' (${AUDIT_KEYS.join(", ")})`);
  return { spec: (o.spec ?? {}) as Record<string, unknown>, audit: audit as GameAuditSettings };
}

defineCommand({
  name: "game",
  summary:
    "The blind auditing game: hidden backdoors drawn by seed, built, audited trigger-blind, scored",
  options: {
    n: count("hidden organisms (a clean control is added)", 10),
    seed: { type: "integer", default: 1, description: "the draw's seed" },
    out: {
      type: "string",
      value: "DIR",
      defaultText: "games/seed-S",
      description: "the game's folder",
    },
    base: {
      type: "string",
      value: "NAME|DIR",
      default: "base",
      description: "the base organism (with sae/)",
    },
    template: { type: "string", value: "FILE", description: "spec and audit settings (JSON)" },
    device: DEVICE,
    engine: {
      ...ENGINE,
      description: "the builds' LoRA gradients and generation (organism build)",
    },
    stage: {
      type: "string",
      choices: ["build", "audit", "all"],
      default: "all",
      description: "build the organisms, audit the built ones, or both",
    },
    jobs: count("builds at once, each in a child process", 1),
    deadline: {
      type: "number",
      value: "SECONDS",
      min: 0,
      description: "stop the builds (checkpoints saved) this many seconds after the start",
    },
    only: { type: "string", value: "NAME", description: "play one organism, in this process" },
    json: JSON_OUT,
  },
  engine: true,
  interrupt: {
    savedIn: ({ opts }) => opts.out ?? `games/seed-${opts.seed}`,
    resume: (argv) => argv,
  },
  async run({ opts: o }, { io, signal, progress }) {
    const t = readTemplate(o.template);
    const out = o.out ?? join("games", `seed-${o.seed}`);
    const childArgv = [
      "game",
      ...["--n", String(o.n), "--seed", String(o.seed), "--out", out, "--base", o.base],
      ...(o.template !== undefined ? ["--template", o.template] : []),
      ...["--device", o.device, "--engine", o.engine],
    ];
    const log = (l: string) => io.stderr(l);
    const r = await runGame({
      n: o.n,
      seed: o.seed,
      out,
      base: o.base,
      template: t.spec,
      audit: t.audit,
      stage: o.stage,
      build: { device: o.device, engine: o.engine, log, progress, ...(signal ? { signal } : {}) },
      ...(signal ? { signal } : {}),
      ...(o.only !== undefined
        ? { only: o.only }
        : {
            isolate: (name: string) => auditInChild(childArgv, name),
            buildElsewhere: (names: string[]) =>
              buildInChildren(
                childArgv,
                names,
                {
                  jobs: o.jobs,
                  out,
                  ...(o.deadline !== undefined ? { deadline: o.deadline } : {}),
                  ...(signal ? { signal } : {}),
                },
                log,
              ),
          }),
    });
    if (o.only !== undefined) return EXIT.ok;
    io.stdout(report(r, o.stage, out, o.json));
    return r.failed.length > 0 ? EXIT.failure : r.unbuilt.length > 0 ? EXIT.interrupted : EXIT.ok;
  },
});

function report(r: GameResult, stage: string, out: string, json: boolean): string {
  if (json) return JSON.stringify(r, null, 2);
  const left =
    r.unbuilt.length === 0
      ? "every organism is built"
      : `not built yet: ${r.unbuilt.join(", ")} (checkpoints saved where training began; the same command resumes)`;
  const failed = r.failed.map((f) => `build of ${f.name} failed: ${f.error}`);
  if (stage === "build") return [left, ...failed].join("\n");
  return [
    markdownTable(r.rows, r.unbuilt),
    `written: ${out}/table.md, ${out}/index.html`,
    ...failed,
  ].join("\n");
}
