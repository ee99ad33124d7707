// The page over HTTPS: a server given --tls-cert and --tls-key serves the page on the web port over HTTPS
// and its socket over WSS, and Chromium (accepting the self-signed certificate) chats through it.
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, launchChromium, openPage, shows, type LaunchedBrowser } from '../support/browser.js';
import { HAS_OPENSSL, selfSigned } from '../support/certificate.js';
import { cleanupAll, messengerUser, server } from './helpers.js';

let launched: LaunchedBrowser | undefined;
afterAll(async () => {
  await launched?.close();
  await cleanupAll();
});

describe.skipIf(!HAS_OPENSSL)('HTTPS on the web port', () => {
  it('serves the page over HTTPS with the --tls-cert pair, checked against that certificate', async () => {
    const { cert, key } = selfSigned();
    const s = await server({ args: ['--tls-cert', cert, '--tls-key', key, '--tls-port', '0'] });
    expect(s.stdout()).toMatch(new RegExp(`web page on https://127\\.0\\.0\\.1:${s.webPort}/`));
    const page = await new Promise<{ status: number | undefined; body: string }>((done, fail) => {
      get({ host: '127.0.0.1', port: s.webPort, path: '/', ca: readFileSync(cert), servername: 'localhost' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => done({ status: res.statusCode, body }));
      }).on('error', fail);
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html');
  }, 60_000);

  it.skipIf(!chromiumInstalled())('the page in Chromium talks over WSS: a name login, a broadcast both ways', async () => {
    const { cert, key } = selfSigned();
    const s = await server({ args: ['--tls-cert', cert, '--tls-key', key, '--tls-port', '0'] });
    launched = await launchChromium({ selfSigned: true });
    const { page, errors } = await openPage(launched.browser, `https://127.0.0.1:${s.webPort}/`, { width: 1000, height: 640 });
    expect(await page.evaluate(() => location.protocol)).toBe('https:');
    await page.type('#by-name [name=name]', 'sana');
    await page.keyboard.press('Enter');
    await shows(page, 'Welcome, sana!');
    const tom = await messengerUser(s.port, 'tom');
    await page.type('#text', 'over wss');
    await page.keyboard.press('Enter');
    for (let i = 0; i < 5; i++) if ((await tom.next()) === 'BROADCAST sana over wss') break;
    tom.send('BROADCAST back over tcp');
    await shows(page, 'back over tcp');
    expect(errors).toEqual([]);
  }, 90_000);
});
