/**
 * The CLI loads a GemmaScope params.npz given directly to --sae: `sae eval` measures it on the
 * bundled tiny Llama with the hook from --sae-hook, and without a hook (no GemmaScope release
 * folders above it) refuses, naming the archive and the flag.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { runCommand } from "../cli/run-command.js";
import { randomSae, tempDir, writeGemmaScopeNpz } from "./sae-helpers.js";

const MODEL = join(import.meta.dirname, "../fixtures/models/llama"); // d_model 64 (config.json)
const tmp = tempDir();
const npz = join(tmp.dir, "plain", "params.npz");
const text = join(tmp.dir, "text.txt");

beforeAll(async () => {
  await initEngine("wasm");
  writeGemmaScopeNpz(npz, randomSae({ dIn: 64, dSae: 96, architecture: "jumprelu" }));
  const lines = Array.from({ length: 20 }, (_, i) => `Document ${i}: a fox ${i % 5} jumps.`);
  writeFileSync(text, lines.join("\n"));
});
afterAll(tmp.cleanup);

describe("--sae params.npz", () => {
  it("sae eval measures a GemmaScope archive at the hook --sae-hook names", async () => {
    const r = await runCommand([
      "sae",
      "eval",
      "--model",
      MODEL,
      "--sae",
      npz,
      "--sae-hook",
      "blocks.1.hook_resid_post",
      "--text",
      text,
      "--json",
    ]);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.sae.hookName).toBe("blocks.1.hook_resid_post");
    expect(m.l0).toBeGreaterThan(0);
    expect([m.ce.clean, m.ce.spliced].every(Number.isFinite)).toBe(true);
  });

  it("without --sae-hook refuses, naming the archive and the flag", async () => {
    await expect(
      runCommand(["sae", "eval", "--model", MODEL, "--sae", npz, "--text", text]),
    ).rejects.toThrow(/params\.npz: 'hook_name': .*--sae-hook/);
  });
});
