// channels: valid names are non-empty, no whitespace, no `@` and no `:` (they mark federated names), at
// most 64 characters, and follow the shared name policy (no `,`: LIST-OK could not show them).
import { isName } from '../../core/names.js';

export function isChannelsName(name: string): boolean {
  return isName(name, 64) && !name.includes('@') && !name.includes(':');
}
