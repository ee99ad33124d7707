// The peers come from Debian's packages: installed with apt-get when missing (as root), else skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { shell } from './machine.js';

const INSTALL_LIMIT_MS = 600_000;

/** Where `program` is, looking in sbin too (daemons live there and a user's PATH may lack it). */
export function locate(program: string): string | undefined {
  return shell(`command -v ${program}`) || ['/usr/sbin', '/usr/bin', '/sbin'].map((dir) => `${dir}/${program}`).find((path) => existsSync(path));
}

function aptGet(...args: string[]): { ok: boolean; errors: string } {
  const run = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: INSTALL_LIMIT_MS,
  });
  return { ok: run.status === 0, errors: (run.stderr ?? run.error?.message ?? '').trim().slice(-500) };
}

/** The program's path, installing its package first if needed; or why it cannot be had. */
export function ensureInstalled(program: string, debianPackage = program): { path: string } | { missing: string } {
  const found = locate(program);
  if (found) return { path: found };
  if (process.getuid?.() !== 0) return { missing: `${program} is not installed and this is not root; install it with: apt-get install -y ${debianPackage}` };
  if (!locate('apt-get')) return { missing: `${program} is not installed and there is no apt-get to install it` };
  console.log(`installing ${debianPackage} (apt-get install -y ${debianPackage}) …`);
  let install = aptGet('install', '-y', debianPackage);
  if (!install.ok) {
    aptGet('update');
    install = aptGet('install', '-y', debianPackage);
  }
  const installed = locate(program);
  return installed ? { path: installed } : { missing: `${program} could not be installed: ${install.errors || 'apt-get failed'}` };
}
