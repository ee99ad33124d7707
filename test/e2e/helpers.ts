// Deprecated: the process-test harness moved to test/support/process.ts. Import from there; these names stay
// so that tests written against the old place keep working.
import { until } from '../support/process.js';

export * from '../support/process.js';

/** @deprecated Use `until` from test/support/process.ts (a time bound rather than a count of tries). */
export async function eventually(check: () => Promise<boolean>, what: string, tries = 50): Promise<void> {
  await until(check, what, tries * 200);
}
