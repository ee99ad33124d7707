// `npm run bench [-- step|scale|pipeline|compare|cluster] [--quick] [--json FILE] [--cpu-prof DIR] [--heap-counts]`:
// every benchmark, or the one named. Each prints numbers and ratios measured in the same run; none asserts a
// timing. --json and --cpu-prof are for compare and cluster, --heap-counts for compare.
import { clusterBench } from './cluster/cluster.js';
import { compareBench } from './compare/compare.js';
import { pipelineBench } from './pipeline.js';
import { stepBench } from './step.js';
import { tcpScale } from './tcp-scale.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const heapCounts = args.includes('--heap-counts');
/** The value after `--flag`, if given. */
const valueOf = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const json = valueOf('--json');
const cpuProfileDir = valueOf('--cpu-prof');
const named = args.filter((a, i) => !a.startsWith('--') && !['--json', '--cpu-prof'].includes(args[i - 1]));

const BENCHES: Readonly<Record<string, () => Promise<void> | void>> = {
  step: () => stepBench({ quick }),
  scale: () => tcpScale({ quick }),
  pipeline: () => pipelineBench(),
  compare: () => compareBench({ quick, json, cpuProfileDir, heapCounts }),
  cluster: () => clusterBench({ quick, json, cpuProfileDir }),
};

async function main(): Promise<void> {
  const unknown = named.filter((name) => !(name in BENCHES));
  if (unknown.length) throw new Error(`no benchmark called ${unknown.join(', ')}; there are ${Object.keys(BENCHES).join(', ')}`);
  for (const name of named.length ? named : Object.keys(BENCHES)) {
    console.log(`\n== ${name} ==`);
    await BENCHES[name]();
  }
}

main().catch((error: Error) => { console.error(`bench: ${error.message}`); process.exit(1); });
