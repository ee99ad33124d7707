// Which file a URL path names under the page's folders, and that no path reaches outside them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileFor } from '../../streams/web/static.js';

const web = join('/srv', 'chat', 'web');
const client = join('/srv', 'chat', 'dist', 'src', 'client');
const mounts = [{ prefix: '/', dir: web }, { prefix: '/client/', dir: client }];

describe('URL path → file', () => {
  it.each([
    ['/', join(web, 'index.html')],
    ['/app.js', join(web, 'app.js')],
    ['/css/style.css', join(web, 'css', 'style.css')],
    ['/client/read.js', join(client, 'read.js')],
    ['/a%20b.html', join(web, 'a b.html')],
    ['/x/../app.js', join(web, 'app.js')],
  ])('%s → its file', (path, file) => {
    expect(fileFor(mounts, path)).toBe(file);
  });

  it.each([
    ['/../package.json', join(web, 'package.json')],
    ['/../../etc/passwd', undefined],
    ['/%2e%2e/%2e%2e/etc/passwd.txt', join(web, 'etc', 'passwd.txt')],
    ['/..%2f..%2fpackage.json', join(web, 'package.json')],
    ['/client/..%2f..%2f..%2fpackage.json', join(web, 'package.json')],
    ['/client/%2e%2e/%2e%2e/src/config.js', join(web, 'src', 'config.js')],
  ])('%s climbs no higher than the top of the page: %s', (path, file) => {
    expect(fileFor(mounts, path)).toBe(file);
  });

  it.each([
    ['a backslash', '/..%5c..%5cpackage.json'],
    ['a NUL byte', '/app.js%00.html'],
    ['a dot file', '/.env'],
    ['a dot folder', '/.git/config.json'],
    ['bad percent-encoding', '/%E0%A4%A.js'],
    ['a type the page does not use', '/server.ts'],
    ['no extension', '/client/read'],
  ])('%s → nothing', (_, path) => {
    expect(fileFor(mounts, path)).toBeUndefined();
  });
});
