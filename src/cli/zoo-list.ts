/**
 * `trigscope zoo list [--json]` and `trigscope zoo manifest [--write]`: the manifest is a tracked
 * file, so by default it is only compared with the zoo's files (exit 1 when stale); --write
 * rewrites it.
 */
import { readZooManifest, zooDir } from "../io/zoo-manifest.js";
import { evalSummary } from "../organisms/eval-summary.js";
import { verifyZoo, writeZooManifest } from "../organisms/zoo.js";
import { defineCommand } from "./command.js";
import { JSON_OUT } from "./common-options.js";
import { UsageError } from "./options.js";

defineCommand({
  name: "zoo list",
  summary: "List the shipped model organisms (name, trigger, response, evaluation)",
  options: { json: JSON_OUT },
  async run({ opts: flags }, { io }) {
    const m = readZooManifest();
    if (flags.json) {
      io.stdout(JSON.stringify({ zoo: zooDir(), ...m }, null, 2));
      return 0;
    }
    const nameWidth = Math.max(0, ...m.organisms.map((o) => o.name.length)) + 1;
    const kindWidth = Math.max(0, ...m.organisms.map((o) => o.kind.length)) + 1;
    const lines = m.organisms.map((o) => {
      const metrics = o.metrics as
        | { eval?: Record<string, unknown>; quality?: { status: string; summary: string } }
        | undefined;
      const summary = evalSummary(o.kind, metrics?.eval);
      const rates = summary ? `  ${summary}` : "";
      const q = metrics?.quality;
      const quality =
        o.kind !== "backdoor"
          ? ""
          : !q
            ? "  [quality: not self-checked]"
            : q.status === "met"
              ? "  [quality: met]"
              : `  [quality: ${q.status.toUpperCase()}: ${q.summary}]`;
      return `${o.name.padEnd(nameWidth)} ${o.kind.padEnd(kindWidth)} ${o.description}${rates}${quality}`;
    });
    io.stdout(lines.length ? lines.join("\n") : `no organisms in ${zooDir()}`);
    return 0;
  },
});

defineCommand({
  name: "zoo manifest",
  summary:
    "Compare zoo/manifest.json (specs, metrics, file hashes) with the zoo's folders; --write rewrites it",
  options: {
    write: { type: "boolean", description: "rewrite the manifest from the zoo's folders" },
    check: { type: "boolean", description: "compare only (what it does without --write)" },
  },
  async run({ opts: flags }, { io }) {
    if (flags.write && flags.check)
      throw new UsageError("--write and --check contradict each other");
    if (flags.write) {
      const m = writeZooManifest();
      io.stdout(`wrote ${zooDir()}/manifest.json: ${m.organisms.map((o) => o.name).join(", ")}`);
      return 0;
    }
    const bad = verifyZoo();
    for (const b of bad) io.stderr(b);
    io.stdout(
      bad.length
        ? `${bad.length} file(s) differ from the manifest (trigscope zoo manifest --write rewrites it)`
        : "zoo matches its manifest",
    );
    return bad.length ? 1 : 0;
  },
});
