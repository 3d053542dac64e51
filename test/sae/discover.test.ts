/**
 * findSaes: lists the fixture SAEs of every layout with their format, architecture, hook and
 * sizes; infers a GemmaScope hook from its release folders; lists a malformed SAE with its error;
 * stops at maxDepth, skips hidden folders and survives a symbolic-link loop.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findSaes, type SaeListing } from "../../src/sae/index.js";
import { FIXTURES, fixtureSae, tempDir } from "./sae-helpers.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

const byFolder = (list: SaeListing[], root: string) =>
  Object.fromEntries(list.map((s) => [s.path.slice(root.length + 1), s]));

describe("findSaes", () => {
  it("lists every fixture SAE with its format, architecture, hook and sizes", () => {
    const root = join(FIXTURES, "saes");
    const found = byFolder(findSaes(root), root);
    // Expected values: the cfg.json / hyperparams.json of each fixture (make_sae_fixtures.py).
    const sae = (format: string, architecture: string, hookName: string | null) => ({
      format,
      architecture,
      hookName,
      dIn: 16,
      dSae: 48,
    });
    expect(found).toEqual({
      gemmascope: { path: join(root, "gemmascope"), ...sae("gemmascope", "jumprelu", null) },
      gemmascope_compressed: {
        path: join(root, "gemmascope_compressed"),
        ...sae("gemmascope", "jumprelu", null),
      },
      jumprelu: {
        path: join(root, "jumprelu"),
        ...sae("saelens", "jumprelu", "blocks.0.hook_resid_post"),
      },
      llamascope: {
        path: join(root, "llamascope"),
        ...sae("llamascope", "jumprelu", "blocks.1.hook_resid_post"),
      },
      llamascope_decnorm: {
        path: join(root, "llamascope_decnorm"),
        ...sae("llamascope", "jumprelu", "blocks.1.hook_mlp_out"),
      },
      standard: {
        path: join(root, "standard"),
        ...sae("saelens", "standard", "blocks.0.hook_resid_post"),
      },
      standard_bdec: {
        path: join(root, "standard_bdec"),
        ...sae("saelens", "standard", "blocks.0.hook_resid_post"),
      },
      topk: { path: join(root, "topk"), ...sae("saelens", "topk", "blocks.0.hook_resid_post") },
    });
  });

  it("finds a GemmaScope release's hook, a broken SAE's error, and nothing past maxDepth", () => {
    const root = join(tmp.dir, "model");
    const gemma = join(root, "gemma-scope-2b-pt-mlp", "layer_3", "average_l0_5");
    mkdirSync(gemma, { recursive: true });
    cpSync(join(fixtureSae("gemmascope"), "params.npz"), join(gemma, "params.npz"));
    const broken = join(root, "broken");
    cpSync(fixtureSae("standard"), broken, { recursive: true });
    const cfg = JSON.parse(readFileSync(join(broken, "cfg.json"), "utf8")) as Record<
      string,
      unknown
    >;
    delete cfg.d_sae;
    writeFileSync(join(broken, "cfg.json"), JSON.stringify(cfg));
    const deep = join(root, "a", "b", "c", "d");
    cpSync(fixtureSae("topk"), deep, { recursive: true });
    cpSync(fixtureSae("topk"), join(root, ".hidden"), { recursive: true });
    symlinkSync(root, join(root, "a", "loop"));

    const found = byFolder(findSaes(root), root);
    // The loop (a/loop → root) is not followed twice and .hidden is skipped.
    expect(Object.keys(found).sort()).toEqual([
      "a/b/c/d",
      "broken",
      "gemma-scope-2b-pt-mlp/layer_3/average_l0_5",
    ]);
    expect(found["gemma-scope-2b-pt-mlp/layer_3/average_l0_5"]).toMatchObject({
      format: "gemmascope",
      hookName: "blocks.3.hook_mlp_out",
    });
    expect(found.broken).toMatchObject({
      format: "saelens",
      error: { file: join(broken, "cfg.json"), field: "d_sae" },
    });
    // root/a/b/c/d is 4 levels down: maxDepth 4 reaches it, 3 does not.
    expect(findSaes(root, { maxDepth: 4 }).some((s) => s.path === deep)).toBe(true);
    expect(findSaes(root, { maxDepth: 3 }).some((s) => s.path === deep)).toBe(false);
    expect(() => findSaes(root, { depth: 2 } as never)).toThrow(/unknown option 'depth'/);
    expect(() => findSaes(join(root, "missing"))).toThrow(/missing: no such folder/);
  });
});
