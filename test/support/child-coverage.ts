// Setup file of every test worker: when `npm test` measures coverage, every process a test starts writes its
// V8 coverage into the folder the coverage provider named (see test/support/coverage-provider.ts).
const dir = process.env.CHILD_V8_COVERAGE;
if (dir) process.env.NODE_V8_COVERAGE = dir;
