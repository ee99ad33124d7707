// channels: valid names are non-empty, no whitespace, no `@` and no `:` (they mark federated names), at
// most 64 characters; the shared name policy (src/core/names.ts) holds all of that and more.
import { isName } from '../../core/names.js';

export function isChannelsName(name: string): boolean {
  return isName(name);
}
