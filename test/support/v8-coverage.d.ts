// The part of @bcoe/v8-coverage (which ships no types) that the coverage provider uses.
declare module '@bcoe/v8-coverage' {
  import type { Profiler } from 'node:inspector';
  export interface ProcessCov { result: Profiler.ScriptCoverage[] }
  export function mergeProcessCovs(processCovs: readonly ProcessCov[]): ProcessCov;
}
