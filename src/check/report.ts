// The check's report for a person (rows grouped by verb, a summary line) and for a program (JSON).
import { counts, type CheckRun, type RuleResult } from './result.js';
import { suiteOf } from './suite.js';

export interface ReportStyle {
  /** ANSI colours: only on a terminal, and never when NO_COLOR is set (the caller decides). */
  readonly color: boolean;
}

const PAINT = { green: '32', red: '31', yellow: '33', dim: '2', bold: '1' } as const;
/** How many lines of a failed exchange the report shows (its end, where the difference is). */
export const EXCHANGE_LINES = 12;

export function formatReport(run: CheckRun, { color }: ReportStyle): string {
  const paint = (style: keyof typeof PAINT, text: string) => (color ? `\x1b[${PAINT[style]}m${text}\x1b[0m` : text);
  const out: string[] = [paint('bold', `${titleOf(run)} rules against ${run.target}`)];
  const width = Math.max(0, ...run.rules.map((r) => r.id.length));
  for (const [verb, rules] of groupByVerb(run.rules)) {
    const passed = rules.filter((r) => r.status === 'pass').length;
    out.push('', `${paint('bold', verb)}  ${paint('dim', `${passed} of ${rules.length}`)}`);
    for (const rule of rules) out.push(...row(rule, width, paint));
  }
  out.push('', summary(run, paint));
  return out.join('\n') + '\n';
}

type Paint = (style: keyof typeof PAINT, text: string) => string;

function row(rule: RuleResult, width: number, paint: Paint): string[] {
  const name = `${rule.id.padEnd(width)}  ${rule.title}`;
  if (rule.status === 'pass') return [`  ${paint('green', '✓')} ${name}`];
  if (rule.status === 'not-checked') return [`  ${paint('yellow', '-')} ${name}`, paint('dim', `      not checked: ${rule.reason}`)];
  const exchange = rule.exchange ?? [];
  const shown = exchange.slice(-EXCHANGE_LINES);
  return [
    `  ${paint('red', '✗')} ${name}`,
    paint('dim', `      ${rule.source}`),
    ...(exchange.length > shown.length ? [paint('dim', `      … ${exchange.length - shown.length} earlier line(s)`)] : []),
    ...shown.map((line) => `      ${line}`),
    `      ${paint('red', rule.difference ?? '')}`,
  ];
}

function summary(run: CheckRun, paint: Paint): string {
  const c = counts(run);
  const parts = [`${c.pass} of ${c.total} rules pass`];
  if (c.fail) parts.push(paint('red', `${c.fail} fail`));
  if (c.notChecked) parts.push(paint('yellow', `${c.notChecked} not checked`) + ` (${notCheckedHint(run.rules)})`);
  return paint('bold', parts.join(', '));
}

const titleOf = (run: CheckRun) => (run.suites ?? [run.dialect ?? '']).join(' and ');

/** What turns the rules not checked into a pass: the flags that check them, or the --skip that leaves them out
 * (a whole suite by its name when none of its rules ran). */
export function notCheckedHint(rules: readonly RuleResult[]): string {
  const left = rules.filter((r) => r.status === 'not-checked');
  const it = left.length === 1 ? 'it' : 'them';
  const flags = [...new Set(left.flatMap((r) => (r.flag ? [r.flag] : [])))];
  const checkable = left.filter((r) => r.flag).length;
  const hints: string[] = [];
  if (flags.length) hints.push(`${flags.join(' and ')} ${flags.length === 1 ? 'checks' : 'check'} ${checkable === left.length ? it : `${checkable} of them`}`);
  // a suite none of whose rules ran is skipped by its name, unless it is all that ran
  const whole = (suite: string | undefined) => suite !== undefined && rules.some((r) => suiteOf(r.id) !== suite)
    && left.filter((r) => suiteOf(r.id) === suite).length > 1 && rules.every((r) => suiteOf(r.id) !== suite || r.status === 'not-checked');
  const wholeSuites = new Set(left.map((r) => suiteOf(r.id)).filter(whole));
  const skip = [...new Set(left.map((r) => (wholeSuites.has(suiteOf(r.id)) ? suiteOf(r.id)! : r.id)))];
  hints.push(`--skip ${skip.join(',')} leaves ${it} out`);
  return hints.join('; ');
}

/** The rules by verb, verbs in the order they first appear. */
export function groupByVerb(rules: readonly RuleResult[]): Map<string, RuleResult[]> {
  const groups = new Map<string, RuleResult[]>();
  for (const rule of rules) groups.set(rule.verb, [...(groups.get(rule.verb) ?? []), rule]);
  return groups;
}

/** The same report as data, for `--json FILE`. */
export function jsonReport(run: CheckRun): string {
  const c = counts(run);
  return JSON.stringify({ target: run.target, dialect: run.dialect, suites: run.suites, pass: c.pass, fail: c.fail, notChecked: c.notChecked, total: c.total, rules: run.rules }, null, 2) + '\n';
}
