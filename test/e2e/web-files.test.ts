// The web port's files: the page with its content types and policy, 404s, and no way out of its folders.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAll, sharedServer } from '../support/process.js';

let webPort: number;
beforeAll(async () => { webPort = (await sharedServer()).webPort!; });
afterAll(cleanupAll);

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** One HTTP request with the path sent exactly as given (no client-side `..` folding). */
function fetchRaw(path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: webPort, path, method, agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('the page\'s files', () => {
  it('/ is the page, as HTML, with a policy that runs only its own scripts', async () => {
    const page = await fetchRaw('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain('<script type="module" src="app.js">');
  });

  it.each([
    ['/style.css', 'text/css; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/favicon.svg', 'image/svg+xml'],
    ['/client/page.js', 'text/javascript; charset=utf-8'],
    ['/client/read.js', 'text/javascript; charset=utf-8'],
  ])('%s is served as %s', async (path, type) => {
    const file = await fetchRaw(path);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe(type);
    expect(Number(file.headers['content-length'])).toBe(Buffer.byteLength(file.body));
  });

  it('HEAD answers the headers without the body', async () => {
    const head = await fetchRaw('/', 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body).toBe('');
  });

  it('a file that is not there is 404', async () => {
    expect((await fetchRaw('/nothing-here.html')).status).toBe(404);
    expect((await fetchRaw('/client/nothing.js')).status).toBe(404);
  });

  it.each([
    '/../package.json', '/../../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/..%2f..%2fpackage.json', '/client/../../../package.json',
    '/client/..%2f..%2f..%2fpackage.json', '/..%2f..%2fdist%2fstreams%2fserver.js', '/..%5c..%5cpackage.json', '/.env', '/%00',
  ])('%s does not leave the page\'s folders: 404', async (path) => {
    const answer = await fetchRaw(path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('chat-server');
  });

  it('anything but GET and HEAD is 405', async () => {
    const post = await fetchRaw('/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('/ws without an upgrade says it is the WebSocket endpoint (426)', async () => {
    const answer = await fetchRaw('/ws');
    expect(answer.status).toBe(426);
    expect(answer.body).toContain('WebSocket');
  });
});
