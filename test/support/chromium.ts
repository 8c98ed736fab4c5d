/**
 * Open a local file in headless Chromium (Debian's package, driven by puppeteer-core) and record
 * what went wrong while it loaded: console errors, uncaught page errors, failed requests. Tests
 * then query the page (`count(selector)`) and can keep a full-page screenshot.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

/** The Chromium to drive: $CHROMIUM, else Debian's /usr/bin/chromium when installed. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return fs.existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined;
}

export interface OpenedPage {
  consoleErrors: string[];
  pageErrors: string[];
  /** requests that failed, or answered with an HTTP error */
  failedRequests: string[];
  /** every URL the page requested (the file itself included) */
  requests: string[];
  count(selector: string): Promise<number>;
  /** run a function in the page */
  evaluate<T>(fn: () => T): Promise<T>;
  close(): Promise<void>;
}

/**
 * Load `file` in a fresh headless Chromium; when `screenshot` is given, save a full-page PNG
 * there once the page has loaded. The browser lives until `close()`.
 */
export async function openInChromium(file: string, screenshot?: string): Promise<OpenedPage> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error(`no Chromium: install Debian's chromium (apt-get install chromium, giving ${DEBIAN_CHROMIUM}) or set CHROMIUM to a Chromium binary`);
  if (!fs.existsSync(executablePath)) throw new Error(`CHROMIUM=${executablePath} does not exist: install Debian's chromium (apt-get install chromium) or point CHROMIUM at a Chromium binary`);
  const browser: Browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const failedRequests: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.url()}: HTTP ${response.status()}`);
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    if (screenshot !== undefined) await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
    return {
      consoleErrors,
      pageErrors,
      failedRequests,
      requests,
      count: (selector: string) => page.$$eval(selector, (elements) => elements.length),
      evaluate: <T>(fn: () => T) => page.evaluate(fn) as Promise<T>,
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
