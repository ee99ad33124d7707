// Runs a suite's cases one after another, each on its own transport (its own connections) and fresh tag.
import { randomBytes } from 'node:crypto';
import { FILLERS, plan, type PlanOptions } from '../../../src/check/plan.js';
import type { RuleResult } from '../../../src/check/result.js';
import { DIALECTS, instantiate, suiteOf, type Case, type CheckDialect } from '../../../src/check/suite.js';
import { parseRecording, type Recording } from '../../../src/recording/parse.js';
import type { Transport } from '../replay/transport.js';
import { play } from './play.js';

/** A tag for one case's fresh names: short lower-case letters and digits, valid in every dialect. */
export function caseTag(): string {
  return 'k' + randomBytes(4).readUInt32BE().toString(36).padStart(6, '0').slice(-5);
}

export interface SuiteRun extends PlanOptions {
  readonly waitMs: number;
  /** A transport for one case (live: which port each connection goes to; in-process: built from its @ settings). */
  readonly transport: (recording: Recording, c: Case) => Promise<Transport>;
  /** In-process: the case's @ settings are the server's, so every case runs as written. */
  readonly inProcess?: boolean;
  /** Called after each rule, for progress output. */
  readonly onResult?: (result: RuleResult) => void;
}

export async function runCase(c: Case, run: SuiteRun): Promise<RuleResult> {
  const base = { id: c.id, verb: c.verb, title: c.title, source: `${c.file}:${c.line}` };
  const written = parseRecording(c.body);
  if ('error' in written) return { ...base, status: 'fail', difference: written.error };
  const planned = run.inProcess
    ? { run: true as const, fillers: 0, maxLine: written.settings['max-line'] ? Number(written.settings['max-line']) : undefined, serverName: written.settings.name }
    : plan(written, run);
  if (!planned.run) return { ...base, status: 'not-checked', reason: planned.reason, ...(planned.flag ? { flag: planned.flag } : {}) };
  const tag = caseTag();
  const recording = instantiate(c, { tag, ...(planned.maxLine !== undefined ? { maxLine: planned.maxLine } : {}), ...(planned.serverName !== undefined ? { serverName: planned.serverName } : {}) });
  let transport: Transport;
  try {
    transport = await run.transport(recording, c);
  } catch (error) {
    return { ...base, status: 'fail', difference: (error as Error).message };
  }
  try {
    const suite = suiteOf(c.id);
    const filler = (DIALECTS as readonly string[]).includes(suite ?? '') ? FILLERS[suite as CheckDialect] : undefined;
    const played = await play(recording, transport, { waitMs: run.waitMs, fillers: { count: planned.fillers, filler, tag } });
    return played.ok ? { ...base, status: 'pass' } : {
      ...base, status: 'fail', exchange: played.exchange,
      ...(played.expected !== undefined ? { expected: played.expected } : {}),
      ...(played.got !== undefined ? { got: played.got } : {}),
      ...(played.difference !== undefined ? { difference: played.difference } : {}),
    };
  } finally {
    await transport.stop();
  }
}

export async function runSuite(cases: readonly Case[], run: SuiteRun): Promise<RuleResult[]> {
  const results: RuleResult[] = [];
  for (const c of cases) {
    const result = await runCase(c, run);
    results.push(result);
    run.onResult?.(result);
  }
  return results;
}
