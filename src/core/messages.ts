// Dialect-neutral outbound messages. A dialect's codec encodes the ones its clients can be shown and
// skips the rest; a reply to one connection is already a line of that connection's own dialect.

export type LeaveHow = 'quit' | 'lost';

export type Msg =
  /** A line for one connection, already encoded by its dialect's codec (a RESULT, an ERROR, a HELLO …). */
  | { readonly kind: 'reply'; readonly line: string }
  | { readonly kind: 'private'; readonly from: string; readonly to: string; readonly text: string }
  | { readonly kind: 'broadcast'; readonly from: string; readonly text: string }
  | { readonly kind: 'recv'; readonly from: string; readonly channel: string; readonly text: string }
  | { readonly kind: 'joined'; readonly user: string }
  | { readonly kind: 'left'; readonly user: string; readonly how: LeaveHow }
  | { readonly kind: 'renamed'; readonly from: string; readonly to: string };

/** What a dialect's codec does with a message: the line to send, or undefined when its clients cannot show it. */
export type Encoder = (msg: Msg) => string | undefined;
