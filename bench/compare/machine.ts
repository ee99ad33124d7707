// What the comparison runs on, and what it reads about a process from /proc.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export function shell(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly openFiles: number;
}

export function describeMachine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cores: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? 'unknown CPU',
    node: process.version,
    openFiles: openFileLimit(),
  };
}

export function openFileLimit(): number {
  const limit = shell('ulimit -n');
  return limit === undefined || limit === 'unlimited' ? Infinity : Number(limit);
}

export function residentKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/** RSS once two samples `sampleMs` apart differ by under 1%, waiting at most `limitMs` (memory settles after a burst of work). */
export async function settledRssKb(read: () => number, sampleMs = 250, limitMs = 10_000): Promise<{ kb: number; settled: boolean }> {
  let previous = read();
  for (let waited = 0; waited < limitMs; waited += sampleMs) {
    await new Promise((done) => setTimeout(done, sampleMs));
    const current = read();
    if (Math.abs(current - previous) < 0.01 * previous) return { kb: current, settled: true };
    previous = current;
  }
  return { kb: previous, settled: false };
}

const CLOCK_TICKS = Number(shell('getconf CLK_TCK') ?? 100) || 100;

/** Clock ticks of CPU (utime + stime, every thread) in the text of a /proc/<pid>/stat; throws on anything else. */
export function cpuTicksOf(stat: string): number {
  // the fields after the command name, which is in parentheses and may hold spaces and parentheses itself
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).trim().split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  if (close < 0 || !Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error(`not the text of a /proc/<pid>/stat: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** Seconds of CPU a process (all its threads) has used. */
export function cpuSeconds(pid: number): number {
  return cpuTicksOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) / CLOCK_TICKS;
}

/** CPU seconds the whole machine spent, all cores together: busy (every process, the kernel's work for them
 *  included) and stolen (by the hypervisor, for other guests: on a virtual machine, time this one waited for). */
export function machineSeconds(): { busy: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal = 0] = fields;
  return { busy: (user + nice + system + irq + softirq) / CLOCK_TICKS, steal: steal / CLOCK_TICKS };
}

export interface Pinning {
  /** Command prefix for a server: core 0. */
  readonly server: string[];
  /** Command prefix for a load generator: core 1. */
  readonly load: string[];
  readonly description: string;
  release(): void;
}

/** Servers on core 0; the generators and this process (every thread) on core 1. */
export function pinCores(): Pinning {
  const none = { server: [], load: [], release: () => {} };
  if (shell('command -v taskset') === undefined) return { ...none, description: 'unpinned (no taskset)' };
  if (availableParallelism() < 2) return { ...none, description: 'unpinned (one core)' };
  const original = /:\s*(\S+)\s*$/.exec(shell(`taskset -pc ${process.pid}`) ?? '')?.[1];
  const pinned = original !== undefined && shell(`taskset -a -pc 1 ${process.pid}`) !== undefined;
  return {
    server: ['taskset', '-c', '0'],
    load: ['taskset', '-c', '1'],
    description: `servers on core 0, load generators${pinned ? ' and this runner' : ''} on core 1 (taskset)`,
    release: () => { if (pinned) shell(`taskset -a -pc ${original} ${process.pid}`); },
  };
}
