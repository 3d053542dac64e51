/**
 * The command definitions as users meet them: every command and group has help listing every
 * option with its default, values out of range and unknown options are usage errors (exit 2),
 * failures exit 1, and `zoo manifest` only rewrites the tracked manifest when asked.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { main } from "../../src/cli/main.js";
import { parseOptions, UsageError } from "../../src/cli/options.js";
import { allCommands } from "../../src/cli/registry.js";

async function cli(argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, {
    stdout: (t) => (out += t + "\n"),
    stderr: (t) => (err += t + "\n"),
  });
  return { code, out, err };
}

/** The help line of one option: from its flag up to the next flag's line. */
function optionText(help: string, name: string): string {
  const at = help.search(new RegExp(`^  --${name}( |$)`, "m"));
  if (at < 0) return "";
  const next = help.slice(at + 3).search(/^ {2}--/m);
  return next < 0 ? help.slice(at) : help.slice(at, at + 3 + next);
}

describe("help", () => {
  const commands = allCommands();

  it("knows every command module's command", () => {
    expect(commands.map((c) => c.name)).toEqual(
      expect.arrayContaining(["generate", "start", "audit", "sae train", "zoo manifest", "worker"]),
    );
    expect(commands.length).toBeGreaterThanOrEqual(22);
  });

  it.each(commands.map((c) => [c.name, c] as const))(
    "`%s --help` lists every option with its default or as required",
    async (name, cmd) => {
      const r = await cli([...name.split(" "), "--help"]);
      expect(r.code).toBe(EXIT.ok);
      expect(r.out).toMatch(new RegExp(`^usage: trigscope ${name} `));
      for (const [opt, def] of Object.entries(cmd.help.options)) {
        const text = optionText(r.out, opt);
        expect(text, `--${opt}`).not.toBe("");
        if (def.required) expect(text).toMatch(/\(required/);
        else if (def.default !== undefined && def.type !== "boolean")
          expect(text).toContain(`default: ${String(def.default)}`);
        else expect(text).toMatch(/default: /);
      }
    },
  );

  it("`trigscope --help` lists every command and the exit codes", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(EXIT.ok);
    for (const c of commands) expect(r.out).toContain(`  ${c.name} `);
    expect(r.out).toMatch(/^ {2}130 +interrupted/m);
  });

  it.each(["sae", "awareness", "zoo", "organism", "model"])(
    "`trigscope %s --help` lists the group's commands; without a command it is a usage error",
    async (group) => {
      const r = await cli([group, "--help"]);
      expect(r.code).toBe(EXIT.ok);
      for (const c of commands.filter((c) => c.name.startsWith(`${group} `)))
        expect(r.out).toContain(`  ${c.name} `);
      const bare = await cli([group]);
      expect(bare.code).toBe(EXIT.usage);
      expect(bare.err).toMatch(new RegExp(`trigscope ${group} needs a command`));
    },
  );

  it("names the defaults and ranges of sae train and start", async () => {
    const r = await cli(["sae", "train", "--help"]);
    expect(optionText(r.out, "k")).toMatch(/default: 32; an integer ≥ 1/);
    expect(optionText(r.out, "batch")).toMatch(/default: 1024/);
    expect(optionText(r.out, "device")).toMatch(/wasm\|webgpu .*default: wasm/);
    const s = await cli(["start", "--help"]);
    expect(optionText(s.out, "organism")).toMatch(/default: fruit-refusal/);
    expect(s.out).toMatch(/^ {2}--fresh/m);
  });
});

describe("validation and exit codes", () => {
  const usage = async (argv: string[], message: RegExp) => {
    const r = await cli(argv);
    expect(r.code, argv.join(" ")).toBe(EXIT.usage);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/--help lists every option/);
  };
  const gen = ["generate", "--model", "m", "--prompt", "p"];

  it("rejects sampling settings out of range", async () => {
    await usage([...gen, "--temperature", "-1"], /--temperature must be a number ≥ 0, got '-1'/);
    await usage([...gen, "--top-p", "5"], /--top-p must be a number in \(0, 1\], got '5'/);
    await usage([...gen, "--top-p", "0"], /--top-p must be a number in \(0, 1\]/);
    await usage([...gen, "--max-new-tokens", "0"], /--max-new-tokens must be an integer ≥ 1/);
    await usage([...gen, "--max-new-tokens", "2.5"], /--max-new-tokens must be an integer ≥ 1/);
    await usage([...gen, "--temperature", "warm"], /--temperature must be a number/);
  });

  it("rejects unknown options, bad choices, missing values and stray arguments", async () => {
    await usage([...gen, "--bogus"], /unknown option --bogus/);
    await usage([...gen, "--temp", "1"], /unknown option --temp \(did you mean --temperature\?\)/);
    await usage([...gen, "--tempratur", "1"], /did you mean --temperature\?/);
    await usage([...gen, "--device", "cuda"], /--device must be one of wasm, webgpu, got 'cuda'/);
    await usage([...gen, "--seed"], /--seed needs a value/);
    await usage([...gen, "--chat=yes"], /--chat takes no value/);
    await usage(["generate", "--prompt", "p"], /--model is required/);
    await usage(["zoo", "list", "extra"], /unexpected argument 'extra'/);
    await usage(["model", "info"], /missing DIR/);
    await usage(
      ["serve", "--model", "m", "--port", "70000"],
      /--port must be an integer in \[0, 65535\]/,
    );
    await usage(["awareness", "run", "--samples", "0"], /--samples must be an integer ≥ 1/);
    const unknown = await cli(["no-such-command"]);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.err).toMatch(/unknown command 'no-such-command'/);
  });

  it("exits 1 when a command runs and fails", async () => {
    const r = await cli(["sae", "show", "--labels", "/nonexistent/labels.json", "--latent", "0"]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.err).toMatch(/nonexistent\/labels\.json/);
  });
});

describe("parseOptions", () => {
  const spec = {
    n: { type: "integer", min: 1, default: 3, description: "n" },
    name: { type: "string", description: "name" },
    tag: { type: "string", multiple: true, description: "tag" },
    on: { type: "boolean", description: "on" },
  } as const;

  it("applies defaults, takes --x=v, collects repeated options and keeps positionals", () => {
    const r = parseOptions(["a", "--tag", "x", "--tag=y", "--name=-1", "b"], spec);
    expect(r.values).toEqual({ n: 3, name: "-1", tag: ["x", "y"], on: false });
    expect(r.positionals).toEqual(["a", "b"]);
    expect(parseOptions(["--n", "7", "--on"], spec).values).toMatchObject({ n: 7, on: true });
  });

  it("throws UsageError naming the option", () => {
    expect(() => parseOptions(["--n", "0"], spec)).toThrow(UsageError);
    expect(() => parseOptions(["--n", ""], spec)).toThrow(/--n must be an integer ≥ 1, got ''/);
  });
});

describe("zoo manifest", () => {
  const before = process.env.TRIGSCOPE_ZOO;
  afterEach(() => {
    if (before === undefined) delete process.env.TRIGSCOPE_ZOO;
    else process.env.TRIGSCOPE_ZOO = before;
  });

  it("compares by default (exit 1 when stale) and rewrites only with --write", async () => {
    const zoo = mkdtempSync(join(tmpdir(), "zoo-"));
    mkdirSync(join(zoo, "toy"));
    const spec = { name: "toy", kind: "base", model: { dModel: 8, nLayers: 1 } };
    writeFileSync(join(zoo, "toy", "organism.json"), JSON.stringify({ spec }));
    writeFileSync(join(zoo, "toy", "weights.bin"), "abc");
    process.env.TRIGSCOPE_ZOO = zoo;
    expect((await cli(["zoo", "manifest", "--write"])).code).toBe(EXIT.ok);
    const manifest = join(zoo, "manifest.json");
    const written = readFileSync(manifest, "utf8");
    const mtime = statSync(manifest).mtimeMs;
    expect((await cli(["zoo", "manifest"])).code).toBe(EXIT.ok);
    writeFileSync(join(zoo, "toy", "weights.bin"), "abd");
    const stale = await cli(["zoo", "manifest"]);
    expect(stale.code).toBe(EXIT.failure);
    expect(stale.err).toMatch(/toy\/weights\.bin: SHA-256 differs/);
    expect(stale.out).toMatch(/--write rewrites it/);
    expect(readFileSync(manifest, "utf8")).toBe(written);
    expect(statSync(manifest).mtimeMs).toBe(mtime);
  });
});
