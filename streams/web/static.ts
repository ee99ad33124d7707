// Serves the web page: files from a few folders, each under a URL prefix, with their content types. Only
// files inside those folders, with a known type and no dot-named part, are ever served.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, posix, sep } from 'node:path';

export interface Mount {
  /** URL path prefix ending in `/`, e.g. `/` or `/client/`. */
  readonly prefix: string;
  /** The folder it serves. */
  readonly dir: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// The page runs only its own scripts and styles and talks only to its own server: even if some text did
// end up as markup, no injected script could run.
const PAGE_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'";

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The path of a request's URL, without its query. */
export const pathOf = (req: IncomingMessage): string => new URL(req.url ?? '/', 'http://page').pathname;

/** The file a URL path names under one of the mounts, or undefined when it names none (or tries to escape). */
export function fileFor(mounts: readonly Mount[], urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  // normalising an absolute path folds every `..` into it, so it can never climb above the mount
  const clean = posix.normalize(path.endsWith('/') ? `${path}index.html` : path);
  const mount = mounts.filter((m) => clean.startsWith(m.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!mount) return undefined;
  const parts = clean.slice(mount.prefix.length).split('/');
  if (parts.some((part) => part === '' || part.startsWith('.'))) return undefined;
  const file = join(mount.dir, ...parts);
  return file.startsWith(mount.dir + sep) && CONTENT_TYPES[extname(file)] ? file : undefined;
}

export function staticFiles(mounts: readonly Mount[]): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
    const file = fileFor(mounts, pathOf(req));
    if (!file) return answer(res, 404, 'not found\n');
    void stat(file).then(
      (info) => {
        if (!info.isFile()) return answer(res, 404, 'not found\n');
        res.writeHead(200, {
          'Content-Type': CONTENT_TYPES[extname(file)]!,
          'Content-Length': info.size,
          // a restarted server may bring a new page: always check
          'Cache-Control': 'no-cache',
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': PAGE_POLICY,
          'Referrer-Policy': 'no-referrer',
        });
        if (req.method === 'HEAD') return res.end();
        createReadStream(file).on('error', () => res.destroy()).pipe(res);
      },
      () => answer(res, 404, 'not found\n'),
    );
  };
}
