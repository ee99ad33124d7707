// `node dist/bench/compare/profile-top.js FILE.cpuprofile [COUNT]`: the functions that took the most
// samples (self time) in a V8 CPU profile, such as `npm run bench -- compare --cpu-prof DIR` writes for
// this server; with the share of all samples, idle ones included and shown apart.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}
interface Profile { readonly nodes: ProfileNode[]; readonly samples: number[] }

const [file, countText] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-top FILE.cpuprofile [COUNT]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const hits = new Map<string, number>();
for (const id of profile.samples) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  hits.set(key, (hits.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
const idle = hits.get('(idle)') ?? 0;
console.log(`${total} samples, ${((idle / total) * 100).toFixed(1)}% idle; self time as a share of the busy samples:`);
const busy = [...hits].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]);
for (const [key, count] of busy.slice(0, Number(countText ?? 25))) console.log(`${((count / (total - idle)) * 100).toFixed(1).padStart(6)}%  ${key}`);
