// Headless Chromium (Debian's `chromium` package) driven by puppeteer-core, with a fresh profile each
// launch and nothing that reaches for the internet.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Where Debian installs Chromium; CHROMIUM names another binary. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const chromiumInstalled = (): boolean => existsSync(CHROMIUM);

export interface LaunchedBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

/** `selfSigned`: accept any certificate (a test's self-signed one for https://127.0.0.1). */
export async function launchChromium({ selfSigned = false } = {}): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'chat-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      // without these Chromium phones home for updates, field trials and sync
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${profile}`,
      ...(selfSigned ? ['--ignore-certificate-errors'] : []),
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface WatchedPage {
  readonly page: Page;
  /** alert/confirm/prompt dialogs the page opened (each dismissed at once). */
  readonly dialogs: string[];
  /** Uncaught errors in the page's scripts. */
  readonly errors: string[];
}

export async function openPage(browser: Browser, url: string, viewport: { width: number; height: number }): Promise<WatchedPage> {
  const page = await browser.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.setViewport(viewport);
  await page.goto(url);
  return { page, dialogs, errors };
}

// Polling on DOM changes rather than animation frames: a page in a background tab gets no frames.

/** How long a page may take to show something: a bound, not a wait (Chromium on a busy machine is slow). */
const BROWSER_WAIT_MS = 20_000;

/** Waits until the conversation on the page shows `text`. */
export async function shows(page: Page, text: string, timeoutMs = BROWSER_WAIT_MS): Promise<void> {
  await page.waitForFunction((wanted: string) => document.getElementById('log')?.textContent?.includes(wanted), { timeout: timeoutMs, polling: 'mutation' }, text)
    .catch(async () => {
      const log = await page.$eval('#log', (element) => (element as HTMLElement).innerText).catch(() => '(no log)');
      throw new Error(`the page never showed ${JSON.stringify(text)}; it shows:\n${log}`);
    });
}

/** Waits until the element's text contains `text`. */
export async function hasText(page: Page, selector: string, text: string, timeoutMs = BROWSER_WAIT_MS): Promise<void> {
  await page.waitForFunction((sel: string, wanted: string) => document.querySelector(sel)?.textContent?.includes(wanted), { timeout: timeoutMs, polling: 'mutation' }, selector, text)
    .catch(async () => {
      const seen = await page.$eval(selector, (element) => element.textContent).catch(() => '(missing)');
      throw new Error(`${selector} never showed ${JSON.stringify(text)}; it shows ${JSON.stringify(seen)}`);
    });
}
