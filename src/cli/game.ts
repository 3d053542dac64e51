/**
 * `trigscope game --n N --seed S [--out DIR] [--base NAME|DIR] [--template FILE] [--device webgpu]`:
 * N hidden backdoors drawn by seed plus a clean control, built (resumable), audited trigger-blind
 * and scored; writes results.jsonl, table.md and index.html in --out and prints the table.
 * --template is a JSON file {"spec": {data, train, quality, evalPrompts, lora}, "audit": {methods,
 * probes, candidates, trainPrompts, heldOutPrompts, perConcept, settings, seed}}.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runGame } from "../game/game.js";
import type { GameAuditSettings } from "../game/blind-audit.js";
import { markdownTable } from "../game/table.js";
import { defineCommand } from "./command.js";
import { count, DEVICE, JSON_OUT } from "./common-options.js";
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

const BIN = fileURLToPath(new URL("../../bin/trigscope.js", import.meta.url));

/** Runs this command again with --only NAME in a child process (its own engine and heap). */
function playElsewhere(argv: string[], name: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...argv, "--only", name], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0 ? done() : fail(new Error(`game: playing ${name} exited with code ${code}`)),
    );
  });
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
      ...["--device", o.device],
    ];
    const rows = await runGame({
      n: o.n,
      seed: o.seed,
      out,
      base: o.base,
      template: t.spec,
      audit: t.audit,
      build: {
        device: o.device,
        log: (l) => io.stderr(l),
        progress,
        ...(signal ? { signal } : {}),
      },
      ...(signal ? { signal } : {}),
      ...(o.only !== undefined
        ? { only: o.only }
        : { isolate: (name) => playElsewhere(childArgv, name) }),
    });
    if (o.only !== undefined) return 0;
    io.stdout(
      o.json
        ? JSON.stringify(rows, null, 2)
        : `${markdownTable(rows)}\nwritten: ${out}/table.md, ${out}/index.html`,
    );
    return 0;
  },
});
