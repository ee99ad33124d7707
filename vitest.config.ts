import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // three test files at a time: a process test spends most of its time waiting on the servers it started, so on
    // two cores vitest's default (one worker per core but one) ran the files one after another (see docs/testing.md)
    maxWorkers: 3,
    // bounds, not waits: generous, because process tests on a loaded machine (and with coverage on) run slowly
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'coverage/test-results.json' },
    // with --coverage, the processes the tests start write their coverage too (see docs/testing.md)
    setupFiles: ['test/support/child-coverage.ts'],
    coverage: {
      provider: 'custom',
      customProviderModule: 'test/support/coverage-provider.ts',
      include: ['src/**/*.ts', 'streams/**/*.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      // the figure is printed (and written for CI) even when a test failed
      reportOnFailure: true,
    },
  },
});
