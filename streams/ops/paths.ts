// Makes sure a file the server writes (the database, the log, a recording) can be opened before the
// component that owns it tries: NeDB and pino fail badly on a bad path (a hang, a crash after start).
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Files the server creates (the database, server.log, a recording) are its own: they hold accounts and traffic. */
export const PRIVATE_FILE = 0o600;
/** Folders it creates on the way to them. */
export const PRIVATE_FOLDER = 0o700;

/** Creates the file's missing folders (0700) and opens the file for appending (creating it 0600), then closes it. Rejects with a reason a person reads. */
export async function prepareFile(file: string): Promise<void> {
  const found = await stat(file).catch(() => undefined);
  if (found?.isDirectory()) throw new Error(`${file} is a folder, not a file`);
  await makeFolders(dirname(resolve(file)));
  const handle = await open(file, 'a', PRIVATE_FILE).catch((error: NodeJS.ErrnoException) => { throw new Error(reason(error, file, 'open')); });
  await handle.close();
}

/**
 * Creates each missing folder on the way to `dir`, one level at a time. (Node's own recursive mkdir spins
 * forever on some paths, e.g. under /proc; a walk up the path ends at the root at the latest.)
 */
async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    const found = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new Error(reason(error, current, 'reach'));
    });
    if (found) {
      if (!found.isDirectory()) throw new Error(`${current} is a file, not a folder`);
      break;
    }
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const folder of missing) {
    await mkdir(folder, PRIVATE_FOLDER).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw new Error(reason(error, folder, 'create the folder'));
    });
  }
}

function reason(error: NodeJS.ErrnoException, path: string, doing: string): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return `not allowed to ${doing} ${path}`;
    case 'EROFS':
      return `${path} is on a read-only file system`;
    case 'EISDIR':
      return `${path} is a folder, not a file`;
    case 'ENOTDIR':
      return `a part of ${path} is a file, not a folder`;
    case 'ENOENT':
      return `cannot ${doing} ${path} (its folder cannot hold new files)`;
    case 'ENOSPC':
      return `no space left to ${doing} ${path}`;
    default:
      return `cannot ${doing} ${path}: ${error.message}`;
  }
}
