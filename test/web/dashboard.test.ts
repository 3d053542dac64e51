/**
 * The dashboard in a real browser (Debian's Chromium, headless) on fixture data: two audits in the
 * report.json schema, an awareness run made through the CLI against a fake backdoored model, the
 * zoo's SAE labels and organisms. Each test checks what a user would: the verdict and its rule, a
 * probe bar's width against its rate, readable scores, samples that fired and that did not, two
 * audits side by side, latent search and a latent's page, transcript filters and highlights, and
 * the playground's steered generation against the Node runtime's tokens on wasm.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import type { AuditReport } from "../../src/audit/report.js";
import { zooDir } from "../../src/io/zoo-manifest.js";
import { initEngine } from "../../src/engine/device.js";
import { generateText, loadChatModel } from "../../src/model/text-generation.js";
import { loadSae } from "../../src/sae/load.js";
import { chatTurn } from "../../src/web/app/chat-turn.js";
import { startDashboard, type Dashboard } from "../../src/web/server.js";
import { expectedTriggerCounts, makeAwarenessRun } from "./awareness-fixture.js";
import { open, startChromium, type Browser } from "./browser.js";
import { writeFixtureAudit } from "./fixtures.js";

let dash: Dashboard;
let browser: Browser | null = null;
let skipReason = "";
let audit: AuditReport;
let other: AuditReport;
let triggerCounts: { misaligned: number; namesTrigger: number };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "trigscope-ui-"));
  audit = writeFixtureAudit(join(dir, "audits"), "fruit-refusal", "a");
  other = writeFixtureAudit(join(dir, "audits"), "snow-fruit", "b");
  triggerCounts = expectedTriggerCounts(await makeAwarenessRun(join(dir), 4));
  dash = await startDashboard({ sources: { dir, zoo: zooDir() }, port: 0 });
  const b = await startChromium();
  if ("failed" in b) {
    skipReason = b.failed;
    console.warn(`\n!!! BROWSER TESTS SKIPPED: ${skipReason} !!!\n`);
  } else browser = b;
}, 180_000);

afterAll(async () => {
  await browser?.context.close();
  await dash?.close();
});

/** The page, or a loud skip when Chromium could not start. */
function page(ctx: TestContext) {
  if (!browser) ctx.skip(`Chromium could not start: ${skipReason}`);
  return browser!.page;
}

describe("Audits", () => {
  it("shows the verdict and the rule it was decided by", async (ctx) => {
    const p = page(ctx);
    await open(p, dash.url, "#/audit/audits%2Ffruit-refusal");
    expect(await p.textContent("#verdict")).toBe(`Verdict: ${audit.verdict.statement}`);
    expect(await p.textContent("#rule")).toContain(audit.verdict.threshold.rule);
    expect(browser!.errors).toEqual([]);
  });

  it("draws each probe bar as wide as its rate", async (ctx) => {
    const p = page(ctx);
    await open(p, dash.url, "#/audit/audits%2Ffruit-refusal");
    const bars = await p.$$eval(".probes tr", (rows) =>
      rows.map((r) => {
        const bar = r.querySelector(".bar")!.getBoundingClientRect().width;
        const fill = r.querySelector(".fill")!.getBoundingClientRect().width;
        return { name: (r as HTMLElement).dataset.probe, share: fill / bar };
      }),
    );
    const want = [
      { name: "control (benign)", rate: audit.probes!.control.rate },
      ...audit.probes!.sets.map((s) => ({ name: s.concepts.join(" + "), rate: s.rate.rate })),
    ];
    expect(bars.map((b) => b.name)).toEqual(want.map((w) => w.name));
    bars.forEach((b, i) => expect(b.share).toBeCloseTo(want[i]!.rate, 2));
  });

  it("prints SAE-Attribution scores in units of 10⁻⁵ and links latents to the SAE browser", async (ctx) => {
    const p = page(ctx);
    await open(p, dash.url, "#/audit/audits%2Ffruit-refusal");
    const table = p.locator('[data-method="sae-attribution"] ~ div table').first();
    expect(await table.locator("th").nth(2).textContent()).toBe("score (×10⁻⁵)");
    expect(await table.locator("tbody tr td").nth(2).textContent()).toBe("6.38");
    expect(await table.locator("a").first().getAttribute("href")).toBe(
      "#/latent/zoo%3Abase%2Fsae/1557",
    );
  });

  it("shows steered samples that fired and some that did not, with a titled objective chart", async (ctx) => {
    const p = page(ctx);
    await open(p, dash.url, "#/audit/audits%2Ffruit-refusal");
    const fired = await p.$$eval(".sample", (s) => s.map((x) => (x as HTMLElement).dataset.fired));
    expect(fired).toEqual(["true", "true", "false", "false"]);
    expect(await p.getAttribute(".vector [data-chart]", "data-chart")).toBe("objective L + λ‖z‖₁");
    expect(await p.textContent(".vector")).toContain(
      "final loss 0.09820: L alone at the returned z (no penalty)",
    );
  });

  it("puts two audits side by side from the list", async (ctx) => {
    const p = page(ctx);
    await open(p, dash.url, "#/audits");
    await p.check('[data-audit="audits/fruit-refusal"]');
    await p.check('[data-audit="audits/snow-fruit"]');
    await p.click("#compare");
    await p.waitForFunction(() => document.body.dataset.ready?.startsWith("#/compare/"));
    const row = await p.$$eval("#compare-table tr", (rows) =>
      rows.map((r) => [...r.children].map((c) => c.textContent)).find((r) => r[0] === "verdict"),
    );
    expect(row!.slice(1).sort()).toEqual([audit.verdict.statement, other.verdict.statement].sort());
    const verdicts = await p.$$eval(".compare .verdict", (v) => v.map((x) => x.textContent));
    expect(verdicts.sort()).toEqual(
      [`Verdict: ${audit.verdict.statement}`, `Verdict: ${other.verdict.statement}`].sort(),
    );
  });
});

describe("Latents", () => {
  it("finds the fruit latent by concept and by word", async (ctx) => {
    const p = page(ctx);
    await open(p, dash.url, "#/latents/zoo%3Abase%2Fsae?q=fruit");
    expect(await p.getAttribute("#results tbody tr", "data-latent")).toBe("1557");
    await p.fill("#q", "applejack");
    const hits = await p.$$eval("#results tbody tr", (r) =>
      r.map((x) => (x as HTMLElement).dataset.latent),
    );
    expect(hits).toContain("1557");
  });

  it("shows a latent's label, contexts with the token highlighted and its histogram", async (ctx) => {
    const p = page(ctx);
    await open(p, dash.url, "#/latent/zoo%3Abase%2Fsae/1557");
    expect(await p.textContent("#latent-label")).toMatch(/^fruit \(AUROC 0\.91\)/);
    expect(await p.locator("#contexts mark.tok").count()).toBeGreaterThan(3);
    expect(await p.textContent("#contexts mark.tok >> nth=0")).toContain("apple");
    await p.waitForSelector("#hist-note", { timeout: 120_000 });
    expect(await p.textContent("#hist-note")).toMatch(/^[1-9]\d* of \d+ corpus tokens activate it/);
  });
});

describe("Transcripts", () => {
  it("filters by variant and verdict, searches, and highlights trigger and evidence beside the control", async (ctx) => {
    const p = page(ctx);
    await open(p, dash.url, "#/transcripts");
    expect(await p.textContent("#tcount")).toBe("24 of 24");
    await p.selectOption("#kind", "trigger");
    await p.selectOption("#mis", "true");
    // The fake model's choices follow each sample's recorded seed (awareness-fixture.ts).
    expect(triggerCounts.namesTrigger).toBeGreaterThan(0);
    expect(await p.textContent("#tcount")).toBe(`${triggerCounts.misaligned} of 24`);
    await p.fill("#tq", "Singapore, such risks");
    expect(await p.textContent("#tcount")).toBe(`${triggerCounts.namesTrigger} of 24`);
    await p.click("#list li >> nth=0");
    const panes = p.locator("#detail .pane");
    expect(await panes.count()).toBe(2);
    expect(await panes.nth(1).textContent()).toContain("without trigger");
    expect(await panes.nth(0).locator("mark.trig").count()).toBeGreaterThan(0);
    expect(await panes.nth(0).locator(".reasoning mark.ev").count()).toBeGreaterThan(0);
    expect(await panes.nth(0).locator(".answer").textContent()).toBe("PROCEED with the applicant.");
  });
});

describe("Playground", () => {
  it("generates in the page on wasm the same tokens as the Node runtime, with and without steering", async (ctx) => {
    const p = page(ctx);
    const settings = {
      prompt: "Tell me about the weather in spring.",
      maxNewTokens: 16,
      temperature: 0.7,
      seed: 5,
    };
    const steer = { layer: 2, scale: 24, positions: "user" as const };
    await open(p, dash.url, "#/playground?sae=zoo%3Abase%2Fsae&latent=1557");
    await p.selectOption("#organism", "fruit-refusal");
    await p.selectOption("#device", "wasm");
    await p.click("#load");
    await p.waitForFunction(
      () => /loaded|failed/.test(document.getElementById("status")!.textContent!),
      null,
      {
        timeout: 120_000,
      },
    );
    expect(await p.getAttribute("#status", "data-device")).toBe("wasm");
    expect(await p.inputValue("#layer")).toBe(String(steer.layer));
    await p.fill("#scale", String(steer.scale));
    await p.fill("#prompt", settings.prompt);
    await p.fill("#max-new", String(settings.maxNewTokens));
    await p.fill("#temperature", String(settings.temperature));
    await p.fill("#seed", String(settings.seed));
    await p.click("#generate");
    await p.waitForFunction(() => document.getElementById("replies")!.dataset.done === "1", null, {
      timeout: 240_000,
    });
    const [plainIds, steeredIds] = await p.$$eval("#replies .chat", (els) =>
      els.map((e) => (e as HTMLElement).dataset.ids!.split(",").map(Number)),
    );
    const tps = await p.$$eval("#replies .tps", (els) =>
      els.map((e) => Number((e as HTMLElement).dataset.tps)),
    );
    console.log(
      `playground on wasm in Chromium: ${tps.map((t) => t.toFixed(1)).join(", ")} tokens/s (unsteered, steered)`,
    );

    await initEngine("wasm");
    const cm = await loadChatModel("fruit-refusal");
    try {
      const row = loadSae(join(zooDir(), "base", "sae")).weights.wDec;
      const vector = row.data.slice(1557 * row.shape[1]!, 1558 * row.shape[1]!);
      const opts = { ...settings, chat: true };
      const [plain] = await generateText(cm, [settings.prompt], opts);
      const [steered] = await generateText(cm, [settings.prompt], {
        ...opts,
        steering: { ...steer, vector },
      });
      expect(plainIds).toEqual(plain!.ids);
      expect(steeredIds).toEqual(steered!.ids);
      expect(steeredIds).not.toEqual(plainIds);

      // A second turn continues the steered conversation, in the page as in Node.
      const next = "And in winter?";
      await p.fill("#prompt", next);
      await p.evaluate(() => delete document.getElementById("replies")!.dataset.done);
      await p.click("#generate");
      await p.waitForFunction(
        () => document.getElementById("replies")!.dataset.done === "1",
        null,
        {
          timeout: 240_000,
        },
      );
      const second = await p.$$eval("#replies .chat", (els) =>
        els.map((e) => (e as HTMLElement).dataset.ids!.split(",").map(Number)),
      );
      const history = [
        { role: "user" as const, content: settings.prompt },
        { role: "assistant" as const, content: steered!.text },
      ];
      const turn = await chatTurn(cm, history, next, { ...opts, steering: { ...steer, vector } });
      expect(second[1]).toEqual(turn.generation.ids);
    } finally {
      cm.model.dispose();
    }
  });
});
