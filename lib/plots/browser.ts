/**
 * Headless Chromium for static figures and rendering checks. Uses Debian's
 * `chromium` through playwright-core (no browser download); every request that is not
 * a local file or inline data is refused, so nothing can quietly depend on a CDN.
 */
import * as fs from "node:fs";
import type { Browser, Page } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** Path of a Chromium executable (`E2EWATCH_CHROMIUM` overrides), or undefined when none is installed. */
export function findChromium(): string | undefined {
  const env = process.env.E2EWATCH_CHROMIUM;
  if (env !== undefined && env !== "") return fs.existsSync(env) ? env : undefined;
  return CANDIDATES.find((p) => fs.existsSync(p));
}

/** Launch flags that keep Chromium off the network and quiet in a sandboxed machine. */
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Runs `fn` with an offline page in a fresh headless Chromium, then closes the browser. */
export async function withOfflinePage<T>(fn: (page: Page) => Promise<T>, viewport = { width: 1000, height: 700 }): Promise<T> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error("no Chromium found: apt-get install -y chromium (or set E2EWATCH_CHROMIUM)");
  const { chromium } = await import("playwright-core");
  const browser: Browser = await chromium.launch({ executablePath, headless: true, args: FLAGS });
  try {
    const context = await browser.newContext({ viewport });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      return url.startsWith("file:") || url.startsWith("data:") || url.startsWith("about:") ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    return await fn(page);
  } finally {
    await browser.close();
  }
}
