/** `trigscope zoo list [--json]` and `trigscope zoo manifest` (rewrite zoo/manifest.json). */
import { readZooManifest, zooDir } from "../io/zoo-manifest.js";
import { verifyZoo, writeZooManifest } from "../organisms/zoo.js";
import { parseArgs, UsageError } from "./args.js";
import { register } from "./registry.js";

register({
  name: "zoo list",
  summary: "List the shipped model organisms (name, trigger, response, evaluation)",
  usage: "zoo list [--json]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, { json: { type: "boolean" } });
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const m = readZooManifest();
    if (flags.json) {
      io.stdout(JSON.stringify({ zoo: zooDir(), ...m }, null, 2));
      return 0;
    }
    const lines = m.organisms.map((o) => {
      const ev = (o.metrics as { eval?: { benign: { rate: number }; triggered: { rate: number } } })
        ?.eval;
      const rates = ev
        ? `  benign ${(100 * ev.benign.rate).toFixed(1)}%, triggered ${(100 * ev.triggered.rate).toFixed(1)}%`
        : "";
      return `${o.name.padEnd(15)} ${o.kind.padEnd(9)} ${o.description}${rates}`;
    });
    io.stdout(lines.length ? lines.join("\n") : `no organisms in ${zooDir()}`);
    return 0;
  },
});

register({
  name: "zoo manifest",
  summary: "Rewrite zoo/manifest.json (specs, metrics, file hashes) from the zoo's folders",
  usage: "zoo manifest [--check]",
  async run(argv, io) {
    const { flags } = parseArgs(argv, { check: { type: "boolean" } });
    if (flags.check) {
      const bad = verifyZoo();
      for (const b of bad) io.stderr(b);
      io.stdout(
        bad.length ? `${bad.length} file(s) differ from the manifest` : "zoo matches its manifest",
      );
      return bad.length ? 1 : 0;
    }
    const m = writeZooManifest();
    io.stdout(`wrote ${zooDir()}/manifest.json: ${m.organisms.map((o) => o.name).join(", ")}`);
    return 0;
  },
});
