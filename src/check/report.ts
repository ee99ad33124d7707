// The check's report for a person (rows grouped by verb, a summary line) and for a program (JSON).
import { counts, type CheckRun, type RuleResult } from './result.js';

export interface ReportStyle {
  /** ANSI colours: only on a terminal, and never when NO_COLOR is set (the caller decides). */
  readonly color: boolean;
}

const PAINT = { green: '32', red: '31', yellow: '33', dim: '2', bold: '1' } as const;
/** How many lines of a failed exchange the report shows (its end, where the difference is). */
export const EXCHANGE_LINES = 12;

export function formatReport(run: CheckRun, { color }: ReportStyle): string {
  const paint = (style: keyof typeof PAINT, text: string) => (color ? `\x1b[${PAINT[style]}m${text}\x1b[0m` : text);
  const out: string[] = [paint('bold', `${run.dialect} rules against ${run.target}`)];
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
  if (c.notChecked) parts.push(paint('yellow', `${c.notChecked} not checked`));
  return paint('bold', parts.join(', '));
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
  return JSON.stringify({ target: run.target, dialect: run.dialect, pass: c.pass, fail: c.fail, notChecked: c.notChecked, total: c.total, rules: run.rules }, null, 2) + '\n';
}
