// The coverage provider of `npm test`: vitest's own V8 provider, plus the code the tests' child processes ran.
//
// The e2e tests start the built server (dist/) as child processes, which vitest's provider never sees. When
// coverage is on, this provider names a folder in CHILD_V8_COVERAGE; the setup file
// (test/support/child-coverage.ts) turns it into NODE_V8_COVERAGE in each test worker, so every process a
// test starts writes its V8 coverage there when it exits (normally or by process.exit; not when killed with
// SIGKILL). After the run, the raw coverage of dist/ files is merged across processes, mapped back to the
// TypeScript sources through the source maps tsc writes next to dist/ (sourceMap: true), and added to
// vitest's coverage map, so the one report counts both: each child hit lands on vitest's own structure of the
// file (test/support/coverage-projection.ts says why istanbul's merge would count every statement twice).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mergeProcessCovs, type ProcessCov } from '@bcoe/v8-coverage';
import convert from 'ast-v8-to-istanbul';
import v8 from '@vitest/coverage-v8';
import { addChildHits, type FileCoverageData } from './coverage-projection.js';
import type { CoverageProvider, CoverageProviderModule } from 'vitest/node';
import { parseAstAsync } from 'vitest/node';

const ROOT = resolve(import.meta.dirname, '../..');
/** Compiled files whose sources the report counts (vitest.config.ts includes src/ and streams/). */
const COUNTED = [join(ROOT, 'dist/src/'), join(ROOT, 'dist/streams/')];

/** Raw coverage of the counted dist/ files, merged across every process that wrote a file into `dir`. */
function mergedChildCoverage(dir: string): ProcessCov {
  const covs: ProcessCov[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    let cov: ProcessCov;
    try {
      cov = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ProcessCov;
    } catch {
      continue; // a process killed while writing leaves half a file: it counts for nothing
    }
    const result = cov.result.filter((script) => script.url.startsWith('file:') && COUNTED.some((prefix) => fileURLToPath(script.url).startsWith(prefix)));
    if (result.length) covs.push({ result });
  }
  return mergeProcessCovs(covs);
}

/** Istanbul coverage of the TypeScript sources, from the merged coverage of their dist/ builds. */
async function childCoverageMap(dir: string): Promise<Record<string, FileCoverageData>> {
  const map: Record<string, FileCoverageData> = {};
  for (const script of mergedChildCoverage(dir).result) {
    const file = fileURLToPath(script.url);
    let code: string;
    let sourceMap: { sources: string[] } & Record<string, unknown>;
    try {
      code = readFileSync(file, 'utf8');
      sourceMap = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as typeof sourceMap;
    } catch {
      continue; // a file built without a map, or removed since: nothing to map back to
    }
    sourceMap.sources = sourceMap.sources.map((source) => new URL(source, pathToFileURL(file)).href);
    const converted = await convert({
      code,
      sourceMap: sourceMap as never,
      ast: parseAstAsync(code),
      coverage: { url: script.url, functions: script.functions },
    });
    Object.assign(map, converted);
  }
  return map;
}

/** The part of istanbul's coverage map the merge below uses. */
interface CoverageMap {
  files(): string[];
  fileCoverageFor(file: string): { data: FileCoverageData };
  merge(data: Record<string, unknown>): void;
}

/** Adds the children's hits to vitest's map, on vitest's structure of each file; prints how many found a place. */
function addChildCoverage(map: CoverageMap, child: Record<string, FileCoverageData>): void {
  const known = new Set(map.files());
  let placed = 0;
  let unplaced = 0;
  for (const [file, data] of Object.entries(child)) {
    if (!known.has(file)) {
      map.merge({ [file]: data }); // a file vitest does not list: its own structure is the only one
      continue;
    }
    const counts = addChildHits(map.fileCoverageFor(file).data, data);
    placed += counts.placed;
    unplaced += counts.unplaced;
  }
  console.log(`child-process coverage: ${placed} statements placed on vitest's map, ${unplaced} without a counterpart (not counted)`);
}

const provider: CoverageProviderModule = {
  ...v8,
  async getProvider(): Promise<CoverageProvider> {
    const inner = await v8.getProvider();
    const dir = mkdtempSync(join(tmpdir(), 'chat-child-coverage-'));
    // inherited by the test workers, which vitest starts after this; not named CHAT_…, or the server would warn
    // that it is not one of its settings (and the tests that expect exactly one line on stderr would fail)
    process.env.CHILD_V8_COVERAGE = dir;
    const generate = inner.generateCoverage.bind(inner);
    inner.generateCoverage = async (context) => {
      const map = (await generate(context)) as CoverageMap;
      addChildCoverage(map, await childCoverageMap(dir));
      rmSync(dir, { recursive: true, force: true });
      return map;
    };
    return inner;
  },
};

export default provider;
