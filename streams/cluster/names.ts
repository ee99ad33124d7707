// The names this node holds in the cluster: claimed and released through Redis's scripts, owed back while
// Redis was out of reach, and claimed again after this node's lease lapsed. The decisions stay in the scripts.
import type { Capability, ClaimOutcome, ClusterEvent, LogEvent, RemoteUser } from '../../src/core/types.js';
import type { ScriptRunner } from './redis.js';
import { encodeCan } from './wire.js';

/** A user this node holds, to claim again after its lease lapsed. */
export interface HeldUser {
  readonly user: string;
  readonly seq: number;
  readonly can: Iterable<Capability>;
}

export interface NamesOptions {
  readonly node: string;
  readonly maxUsers: number;
  readonly run: ScriptRunner;
  /** Hands an event to the core, as if another node had published it. */
  readonly push: (event: ClusterEvent) => void;
  readonly usersNow: () => Promise<Array<[string, RemoteUser]>>;
  /** 1 once this node may reap nodes whose lease ran out (see openBackplane). */
  readonly mayReap: () => number;
  readonly log: (event: LogEvent) => void;
  readonly failed: (what: string) => (error: unknown) => void;
}

export function nameKeeper({ node, maxUsers, run, push, usersNow, mayReap, log, failed }: NamesOptions) {
  let held: (() => Iterable<HeldUser>) | undefined;

  /** Claims again the names of this node's users, after the others dropped them (its lease lapsed). */
  const reassert = async (why: string, level: 'info' | 'warn' = 'warn') => {
    const users = [...(held?.() ?? [])];
    const args = users.flatMap(({ user, seq, can }) => [user, seq, encodeCan(can)]);
    const lost = (await run('chatReassert', node, ...args)) as string[];
    for (const user of lost) push({ kind: 'nameTaken', user });
    // the other node's claim of such a name reached this one while it still held the name, and was passed over as
    // stale: once this node's user of it is gone (nameTaken, just before), list the holder as Redis has it
    if (lost.length) push({ kind: 'users', users: await usersNow() });
    log({ level: lost.length ? 'warn' : level, event: 'namesClaimedAgain', msg: `${why}: claimed this node's ${users.length} name(s) again${lost.length ? `; ${lost.length} taken meanwhile by other nodes: ${lost.join(', ')}` : ''}`, lost });
  };

  // names to give back once Redis answers again: a release it never got, or a claim whose answer was lost
  // (Redis may have granted it, yet the user was refused here)
  const owed = new Set<string>();
  const release = (user: string, how: 'quit' | 'lost') => {
    owed.delete(user);
    void run('chatRelease', node, user, how).catch((error: unknown) => {
      owed.add(user);
      failed(`releasing ${user} (retried once the backplane answers)`)(error);
    });
  };

  /** Redis answers again: what it missed is given back, and every name this node holds is claimed again. */
  const settle = () => {
    const holding = new Set([...(held?.() ?? [])].map(({ user }) => user));
    for (const user of [...owed]) if (!holding.has(user)) release(user, 'lost');
    // and the other way round (a rename whose answer was lost): every name this node holds is in Redis again
    void reassert('the backplane is back', 'info').catch(failed('claiming names again'));
  };

  const claim = async (user: string, can: Iterable<Capability>, from?: string): Promise<{ readonly outcome: ClaimOutcome; readonly seq?: number }> => {
    const capabilities = encodeCan(can);
    const answer = await run('chatClaim', node, user, from ?? '', capabilities, maxUsers, mayReap()).catch((error: unknown) => {
      owed.add(user);
      // Redis may yet run the claim without any reconnection (it stalled past the command timeout): undo it right
      // behind it, in order on the same connection, rather than only once Redis is back (settle). A login's name is
      // given back (an undo that fails stays owed); a rename is renamed back. A claim that never ran: no change.
      if (from === undefined) release(user, 'lost');
      else void run('chatClaim', node, from, user, capabilities, maxUsers, 0).catch(failed(`renaming ${user} back to ${from}`));
      throw error;
    });
    const [outcome, seq] = answer as [ClaimOutcome, number?];
    return seq === undefined ? { outcome } : { outcome, seq };
  };

  return {
    reassert, release, settle, claim,
    /** Whether the pipeline told where to find the users this node holds. */
    holds: () => held !== undefined,
    holding(users: () => Iterable<HeldUser>) {
      held = users;
    },
  };
}
