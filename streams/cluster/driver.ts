// The cluster backplane as a driver: what the other nodes publish comes in as `cluster` commands (a
// `clusterBatch` for what arrived together); it runs the
// name effects (claim, release) and `announce`, and relays messages for the users of other nodes.
import { map } from 'rxjs';
import type { Command } from '../../src/core/types.js';
import type { Driver } from '../drivers.js';
import type { Backplane } from './backplane.js';

export function backplaneDriver(cluster: Backplane, clock: () => number = Date.now): Driver {
  return {
    name: 'cluster',
    // what arrived together is one command: one transition, one routing pass
    commands$: cluster.event$.pipe(map((events): Command => (events.length === 1
      ? { kind: 'cluster', event: events[0], at: clock() }
      : { kind: 'clusterBatch', events, at: clock() }))),
    effects: {
      async claimName({ conn, user, from, can }) {
        const { outcome, seq } = await cluster.claim(user, can, from);
        return { kind: 'nameClaimed', conn, user, ...(from !== undefined ? { from } : {}), outcome, ...(seq !== undefined ? { seq } : {}) };
      },
      releaseName: ({ user, how }) => cluster.release(user, how),
      announce: ({ event, node }) => cluster.announce(event, node),
    },
    relay: cluster,
    close: () => cluster.close(),
  };
}
