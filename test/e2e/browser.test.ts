// The web page in a real browser: two pages in headless Chromium and two terminal-side TCP clients in one
// conversation, across a server restart. Screenshots of both pages land in coverage/.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, CHROMIUM, hasText, launchChromium, openPage, shows, type LaunchedBrowser } from '../support/browser.js';
import type { LineClient } from '../support/client.js';
import { ask, channelsUser, cleanupAll, client, messengerUser, server } from '../support/process.js';

const SCREENSHOTS = resolve(import.meta.dirname, '../../coverage');
const INJECTION = '<img src=x onerror=alert(1)>';
/** A restart takes the page a few reconnect tries (0.5 s, 1 s, 2 s, …). */
const RECONNECT_MS = 20_000;

let launched: LaunchedBrowser | undefined;
afterAll(async () => {
  await launched?.close();
  await cleanupAll();
});

if (!chromiumInstalled()) {
  console.warn(`the browser test is skipped: no Chromium at ${CHROMIUM} (install Debian's chromium package, as .ci/run does, or set CHROMIUM)`);
}

async function say(page: Page, text: string): Promise<void> {
  await page.type('#text', text);
  await page.keyboard.press('Enter');
}

async function submit(page: Page, form: string, field: string, text: string): Promise<void> {
  await page.type(`#${form} [name=${field}]`, text);
  await page.keyboard.press('Enter');
}

/** The next line the client gets that is not presence noise (someone joining or leaving). */
async function nextSaid(c: LineClient): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const line = await c.next();
    if (!/^(JOINED|LEFT) /.test(line)) return line;
  }
  throw new Error('only presence lines arrived');
}

describe.skipIf(!chromiumInstalled())('the web page in Chromium', () => {
  it('two pages and two terminals chat: broadcasts both ways, a whisper, a channel, a rename, a restart, and text shown as text', async () => {
    const first = await server();
    const { port, webPort, dir } = first;
    const url = `http://127.0.0.1:${webPort}/`;
    launched = await launchChromium();
    const alice = await openPage(launched.browser, url, { width: 1000, height: 640 });
    const carl = await openPage(launched.browser, url, { width: 390, height: 760 }); // a phone

    // alice joins by name (messenger); bob is on a terminal
    await submit(alice.page, 'by-name', 'name', 'alice');
    await shows(alice.page, 'Welcome, alice!');
    const bob = await messengerUser(port, 'bob');
    await shows(alice.page, 'bob joined');
    await hasText(alice.page, '#people', 'bob');

    // broadcasts both ways
    await say(alice.page, 'hi bob, from the browser');
    expect(await nextSaid(bob)).toBe('BROADCAST alice hi bob, from the browser');
    expect(await ask(bob, 'BROADCAST hello alice, from the terminal')).toBe('BROADCAST bob hello alice, from the terminal');
    await shows(alice.page, 'hello alice, from the terminal');

    // a whisper: pick bob in the list, then write
    await alice.page.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>('#people button')].find((b) => b.textContent === 'bob')?.click());
    await say(alice.page, 'psst, only you');
    expect(await nextSaid(bob)).toBe('WHISPER alice bob psst, only you');
    await shows(alice.page, 'psst, only you');

    // carl registers an account on the phone-sized page and opens a channel; dora joins it from a terminal
    await carl.page.type('#by-account [name=user]', 'carl');
    await carl.page.type('#by-account [name=password]', 's3cret');
    await carl.page.click('#by-account button[value=register]');
    await shows(carl.page, 'Logged in as carl.');
    await shows(alice.page, 'carl joined');
    await submit(carl.page, 'create', 'channel', 'lab');
    await shows(carl.page, 'Joined #lab');
    const dora = await channelsUser(port, 'dora');
    expect(await ask(dora, 'JOIN lab')).toBe('RESULT JOIN lab 1');
    await say(carl.page, 'welcome to the lab');
    expect(await dora.next()).toBe('RECV carl lab welcome to the lab');
    expect(await ask(dora, 'SAY lab thanks carl')).toBe('RECV dora lab thanks carl');
    await shows(carl.page, 'thanks carl');

    // a rename from the page reaches the terminal and the page's own status
    await submit(alice.page, 'rename', 'name', 'ally');
    expect(await nextSaid(bob)).toBe('RENAMED alice ally');
    await shows(alice.page, 'alice is now ally');
    await hasText(alice.page, '#status', 'ally');

    // markup in a message is shown as the characters it is made of, on both pages
    expect(await ask(bob, `BROADCAST ${INJECTION}`)).toBe(`BROADCAST bob ${INJECTION}`);
    expect(await ask(dora, `SAY lab ${INJECTION}`)).toBe(`RECV dora lab ${INJECTION}`);
    await shows(alice.page, INJECTION);
    await shows(carl.page, INJECTION);

    // the server restarts on the same ports; both pages log in again by themselves
    expect(await first.stop()).toBe(0);
    await hasText(alice.page, '#status', 'trying again');
    const second = await server({ dir, portFlag: false, args: ['--port', String(port), '--web-port', String(webPort)] });
    await shows(alice.page, 'Reconnected as ally.', RECONNECT_MS);
    await shows(carl.page, 'Reconnected as carl.', RECONNECT_MS);
    const bob2 = await messengerUser(second.port, 'bob');
    expect(await ask(bob2, 'USERS')).toBe('USERS ally, bob, carl');
    await say(alice.page, 'back again');
    expect(await nextSaid(bob2)).toBe('BROADCAST ally back again');
    // carl is back in #lab without doing anything; dora's account is on disk, so she only logs in
    const dora2 = await client(second.port);
    expect(await ask(dora2, 'LOGIN dora pw')).toBe('RESULT LOGIN 1');
    expect(await ask(dora2, 'JOIN lab')).toBe('RESULT JOIN lab 1');
    await say(carl.page, 'still here');
    expect(await dora2.next()).toBe('RECV carl lab still here');

    mkdirSync(SCREENSHOTS, { recursive: true });
    await alice.page.screenshot({ path: resolve(SCREENSHOTS, 'web-alice.png') });
    await carl.page.screenshot({ path: resolve(SCREENSHOTS, 'web-carl.png') });

    for (const { page } of [alice, carl]) {
      const log = await page.$eval('#log', (element) => ({ text: element.textContent ?? '', markup: element.querySelectorAll('img, script').length }));
      expect(log.text).toContain(INJECTION);
      expect(log.markup).toBe(0);
    }
    expect([...alice.dialogs, ...carl.dialogs]).toEqual([]);
    expect([...alice.errors, ...carl.errors]).toEqual([]);
  }, 240_000);
});

