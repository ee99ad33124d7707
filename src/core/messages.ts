// Dialect-neutral outbound messages. Each dialect's codec encodes the ones it can express and drops the rest.

export type ChannelsVerb = 'REGISTER' | 'LOGIN' | 'CREATE' | 'JOIN' | 'SAY' | 'CHANNELS';
export type DirectRefusal = 'IN-USE' | 'BUSY' | 'BAD-RQST-HDR' | 'BAD-RQST-BODY' | 'BAD-DEST-USER';
export type MessengerError =
  | 'NAME-REQUIRED' | 'NAME-TAKEN' | 'NAME-INVALID' | 'NO-SUCH-USER' | 'UNKNOWN-COMMAND'
  | 'BAD-ARGUMENTS' | 'LINE-TOO-LONG' | 'SERVER-FULL' | 'SLOW-DOWN';
export type LeaveHow = 'quit' | 'lost';

export type Msg =
  // shared by dialects that can show them
  | { readonly type: 'userList'; readonly names: readonly string[] }
  | { readonly type: 'private'; readonly from: string; readonly to: string; readonly text: string }
  | { readonly type: 'joined'; readonly user: string }
  | { readonly type: 'left'; readonly user: string; readonly how: LeaveHow }
  | { readonly type: 'renamed'; readonly from: string; readonly to: string }
  // channels
  | { readonly type: 'result'; readonly verb: ChannelsVerb; readonly subject?: string; readonly ok: boolean }
  | { readonly type: 'channelList'; readonly names: readonly string[] }
  | { readonly type: 'recv'; readonly from: string; readonly channel: string; readonly text: string }
  // direct
  | { readonly type: 'hello'; readonly name: string }
  | { readonly type: 'sendOk' }
  | { readonly type: 'refused'; readonly code: DirectRefusal }
  // messenger
  | { readonly type: 'welcome'; readonly name: string; readonly online: number }
  | { readonly type: 'broadcast'; readonly from: string; readonly text: string }
  | { readonly type: 'bye'; readonly text: string }
  | { readonly type: 'error'; readonly code: MessengerError; readonly text: string };
