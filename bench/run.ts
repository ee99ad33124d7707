// `npm run bench [-- step|scale|pipeline|compare|memory|cluster] [--quick] [--json FILE] [--cpu-prof DIR] [--heap-counts] [--rest S]`:
// every benchmark, or the one named. Each prints numbers and ratios measured in the same run; none asserts a
// timing. --json and --cpu-prof are for compare and cluster, --heap-counts and --rest for compare and memory
// (compare's memory scenario alone, measured again after a rest: 120 s unless --rest says otherwise).
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
const rest = valueOf('--rest');
const restSeconds = rest === undefined ? undefined : Number(rest);
const named = args.filter((a, i) => !a.startsWith('--') && !['--json', '--cpu-prof', '--rest'].includes(args[i - 1]));
/** How long `memory` lets the servers rest unless told: V8 gave back a login burst's memory within ~70 s here. */
const MEMORY_REST_S = 120;

const BENCHES: Readonly<Record<string, () => Promise<void> | void>> = {
  step: () => stepBench({ quick }),
  scale: () => tcpScale({ quick }),
  pipeline: () => pipelineBench(),
  compare: () => compareBench({ quick, json, cpuProfileDir, heapCounts, restSeconds }),
  memory: () => compareBench({ quick, json, cpuProfileDir, heapCounts, restSeconds: restSeconds ?? MEMORY_REST_S, memoryOnly: true }),
  cluster: () => clusterBench({ quick, json, cpuProfileDir }),
};

/** Run when none is named: `memory` repeats compare's memory scenario, only longer. */
const BY_DEFAULT = ['step', 'scale', 'pipeline', 'compare', 'cluster'];

async function main(): Promise<void> {
  if (restSeconds !== undefined && !(Number.isInteger(restSeconds) && restSeconds >= 0)) throw new Error(`--rest takes whole seconds, not ${rest}`);
  const unknown = named.filter((name) => !(name in BENCHES));
  if (unknown.length) throw new Error(`no benchmark called ${unknown.join(', ')}; there are ${Object.keys(BENCHES).join(', ')}`);
  for (const name of named.length ? named : BY_DEFAULT) {
    console.log(`\n== ${name} ==`);
    await BENCHES[name]();
  }
}

main().catch((error: Error) => { console.error(`bench: ${error.message}`); process.exit(1); });
