// Where the page's files live: web/ in the package, and under /client/ the browser-safe pure parts of the
// client (line → event, reconnect delays), which the build compiles from src/client into dist/src/client.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Mount } from './static.js';

/** Folders to climb at most: this file runs from streams/web (tests) or dist/streams/web (npm start). */
const MAX_DEPTH = 4;

function packageRoot(from: string): string {
  let dir = from;
  for (let i = 0; i < MAX_DEPTH && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return dir;
}

export function pageMounts(root = packageRoot(import.meta.dirname)): readonly Mount[] {
  return [
    { prefix: '/', dir: join(root, 'web') },
    { prefix: '/client/', dir: join(root, 'dist', 'src', 'client') },
  ];
}
