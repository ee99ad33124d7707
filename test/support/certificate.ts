// A self-signed certificate for 127.0.0.1 and localhost, made with openssl (the README's command) in a temp folder.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './server.js';

export const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;

export function selfSigned(): { cert: string; key: string } {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  return { cert, key };
}
