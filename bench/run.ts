// `npm run bench [-- step|scale|pipeline] [--quick]`: every benchmark, or the one named. Each prints
// numbers and ratios measured in the same run; none asserts a timing.
import { pipelineBench } from './pipeline.js';
import { stepBench } from './step.js';
import { tcpScale } from './tcp-scale.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const named = args.filter((a) => !a.startsWith('--'));

const BENCHES: Readonly<Record<string, () => Promise<void> | void>> = {
  step: () => stepBench({ quick }),
  scale: () => tcpScale({ quick }),
  pipeline: () => pipelineBench(),
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
