/**
 * Debian's Chromium driven by `npm:playwright-core` (never a downloaded
 * browser), with the flags for headless WebRTC on loopback. Callers run
 * inside a loopback-only network namespace.
 *
 * @module
 */

import { type BrowserContext, chromium, type Page } from "npm:playwright-core@^1";

/** The browser every test uses. */
export const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--allow-loopback-in-peer-connection",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];

/** A browser with a profile folder of its own (IndexedDB lives there across reloads). */
export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Opens a page whose console lines are printed with a prefix. */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (message) => console.log(`[page] ${message.text()}`));
  page.on("pageerror", (error) => console.log(`[page error] ${error.message}`));
  await page.goto(url);
  return page;
}

/** Waits for the page script's `window.result` and returns it (throws the page's error). */
export async function pageResult(page: Page, timeoutMs = 120_000): Promise<Record<string, number>> {
  const handle = await page.waitForFunction(
    () => (globalThis as { result?: unknown }).result,
    undefined,
    { timeout: timeoutMs, polling: 100 },
  );
  const result = await handle.jsonValue() as Record<string, number> & { error?: string };
  if (result.error) throw new Error(`page failed: ${result.error}`);
  return result;
}
