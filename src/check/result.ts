// What one rule's run came to; the runner (streams/cli/check/) produces these, the report prints them.

export type Status = 'pass' | 'fail' | 'not-checked';

export interface RuleResult {
  readonly id: string;
  readonly verb: string;
  readonly title: string;
  readonly status: Status;
  /** Where its case is written: file and line of its `@clause` header. */
  readonly source: string;
  /** Why it was not checked. */
  readonly reason?: string;
  /** For a rule not checked: the flag that would check it (none when only the in-process server can stage it). */
  readonly flag?: string;
  /** For a failure: the lines exchanged up to it (`a > …` sent, `a < …` received), the last of them last. */
  readonly exchange?: readonly string[];
  /** For a failure: what was expected at the point of failure, and what happened instead. */
  readonly expected?: string;
  readonly got?: string;
  readonly difference?: string;
}

export interface CheckRun {
  readonly target: string;
  /** The dialect of --dialect; absent when only an extension's suite ran. */
  readonly dialect?: string;
  /** The suites that ran (the dialect's, then the extensions'); the report's title names them. */
  readonly suites?: readonly string[];
  readonly rules: readonly RuleResult[];
}

export function counts(run: CheckRun): { readonly pass: number; readonly fail: number; readonly notChecked: number; readonly total: number } {
  const of = (status: Status) => run.rules.filter((r) => r.status === status).length;
  return { pass: of('pass'), fail: of('fail'), notChecked: of('not-checked'), total: run.rules.length };
}

/** 0 only when every selected rule ran and passed; 1 when one failed or was not checked (the "0 only if
 * every rule passed", taken literally: a rule not checked did not pass). */
export function exitCode(run: CheckRun): number {
  const { pass, total } = counts(run);
  return pass === total ? 0 : 1;
}
