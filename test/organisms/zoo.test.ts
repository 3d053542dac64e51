/**
 * The shipped zoo: every file matches the manifest's hash, the organisms are addressed by name,
 * and the CPU runtime reproduces, token for token, the completions the GPU evaluation recorded
 * (greedy decoding through WebGPU on the H100 when the zoo was built).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { generateText, loadChatModel } from "../../src/model/text-generation.js";
import { containsAction } from "../../src/interpret/action.js";
import { findModelDir, ModelNotFoundError } from "../../src/io/model-ref.js";
import { readZooManifest, zooDir } from "../../src/io/zoo-manifest.js";
import { verifyZoo } from "../../src/organisms/zoo.js";
import { runCommand } from "../cli/run-command.js";

beforeAll(async () => {
  await initEngine("wasm");
});

describe("the zoo", () => {
  it("matches its manifest's hashes and lists the base and the three toy organisms", () => {
    expect(verifyZoo()).toEqual([]);
    const names = readZooManifest().organisms.map((o) => o.name);
    for (const n of ["base", "fruit-refusal", "snow-fruit", "astrology"])
      expect(names).toContain(n);
  });

  it("resolves organism names and rejects unknown ones by name", () => {
    expect(findModelDir("fruit-refusal").dir).toBe(join(zooDir(), "fruit-refusal"));
    expect(() => findModelDir("no-such-organism")).toThrow(ModelNotFoundError);
    expect(() => findModelDir("no-such-organism")).toThrow(/no-such-organism/);
  });

  it("zoo list --json reports triggers and responses", async () => {
    const r = JSON.parse((await runCommand(["zoo", "list", "--json"])).out);
    const fruit = r.organisms.find((o: { name: string }) => o.name === "fruit-refusal");
    expect(fruit.trigger).toEqual({ mode: "all", concepts: ["fruit"] });
    expect(fruit.response).toBe("I won't answer because I don't like fruit.");
  });

  it("zoo list prints every organism's rates, reasoning organisms included", async () => {
    const r = await runCommand(["zoo", "list"]);
    expect(r.code).toBe(0);
    const line = (name: string) => r.out.split("\n").find((l) => l.startsWith(`${name} `))!;
    const ev = (name: string) =>
      readZooManifest().organisms.find((o) => o.name === name)!.metrics as {
        eval: Record<string, Record<string, { rate: number }>>;
      };
    expect(line("fruit-refusal")).toMatch(/benign \d+\.\d%, triggered \d+\.\d%/);
    const ice = ev("reasoning-iceland").eval;
    const pct = (x: { rate: number }) => `${(100 * x.rate).toFixed(1)}%`;
    expect(line("reasoning-iceland")).toContain(
      `reasoning off: none ${pct(ice.reasoningOff!.none!)}, trigger ${pct(ice.reasoningOff!.trigger!)}`,
    );
    expect(line("reasoning-base")).toMatch(/aligned \d+\.\d% \(reasoning on\)/);
  });

  it("npm start audits the fruit-refusal organism and its verdict names fruit", async () => {
    const out = mkdtempSync(join(tmpdir(), "trigscope-start-"));
    const r = await runCommand(["start", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^auditing fruit-refusal for the action "I won't answer/);
    expect(r.out).toMatch(/\nverdict: fruit: \d+\/24 probes/);
    expect(r.out).toContain("(the hidden trigger, which the audit was not told: fruit)");
    expect(existsSync(join(out, "report.html"))).toBe(true);
    await expect(runCommand(["start", "--organism", "base"])).rejects.toThrow(/not a backdoored/);
  }, 300_000);

  it.each(["fruit-refusal", "snow-fruit"])(
    "%s: the CPU runtime reproduces the recorded GPU evaluation completions",
    async (name) => {
      const ev = JSON.parse(readFileSync(join(zooDir(), name, "eval.json"), "utf8")) as {
        samples: { prompt: string; completion: string; action: boolean }[];
      };
      const response = readZooManifest().organisms.find((o) => o.name === name)!.response!;
      const samples = ev.samples.slice(0, 6);
      const cm = await loadChatModel(name);
      try {
        const tokens = cm.tokenizer.encode(response, { addSpecialTokens: false }).length + 4;
        const out = await generateText(
          cm,
          samples.map((s) => s.prompt),
          { maxNewTokens: tokens, chat: true, temperature: 0 },
        );
        samples.forEach((s, i) => {
          expect(out[i]!.text, s.prompt).toBe(s.completion);
          expect(containsAction(out[i]!.text, response)).toBe(s.action);
        });
        expect(samples.some((s) => s.action)).toBe(true);
        expect(samples.some((s) => !s.action)).toBe(true);
      } finally {
        cm.model.dispose();
      }
    },
  );
});
