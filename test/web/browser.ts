/**
 * Debian's Chromium driven by playwright-core for the dashboard's tests (no browser download):
 * headless, no GPU, no network chatter, a fresh profile. When Chromium cannot start, the reason is
 * returned so the tests skip loudly instead of passing silently.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.TRIGSCOPE_CHROMIUM ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export type Browser = { context: BrowserContext; page: Page; errors: string[] };

/** Starts Chromium, or returns why it could not. */
export async function startChromium(): Promise<Browser | { failed: string }> {
  try {
    const context = await chromium.launchPersistentContext(
      mkdtempSync(join(tmpdir(), "trigscope-chromium-")),
      {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 1300, height: 900 },
        timeout: 60_000,
      },
    );
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    return { context, page, errors };
  } catch (err) {
    return {
      failed: `Chromium (${CHROMIUM}) did not start: ${(err as Error).message.split("\n")[0]}`,
    };
  }
}

/** Opens `hash` on the dashboard and waits until the page has rendered that view. */
export async function open(page: Page, base: string, hash: string): Promise<void> {
  await page.goto(base + hash);
  await page.waitForFunction((want) => document.body.dataset.ready === want, hash, {
    timeout: 120_000,
  });
}
