// Every line one server sends another over a federation link, in one place (channels.md, "Federation").
/** `nonce`: a keyed link's (the handshake of ./handshake.ts); a link without a key sends none, as before. */
export const federateOut = (name: string, nonce?: string) => (nonce === undefined ? `FEDERATE-OUT ${name}` : `FEDERATE-OUT ${name} ${nonce}`);
/** The accepting end of a keyed link: its name, its nonce, and its proof that it holds the key. */
export const federateChallenge = (name: string, nonce: string, proof: string) => `FEDERATE-CHALLENGE ${name} ${nonce} ${proof}`;
/** The dialling end of a keyed link: its proof that it holds the key. */
export const federateProof = (proof: string) => `FEDERATE-PROOF ${proof}`;
export const federateConfirm = (name: string) => `FEDERATE-CONFIRM ${name}`;
export const fedNew = (channel: string) => `FEDNEW ${channel}`;
export const fedJoin = (member: string, channel: string) => `FEDJOIN ${member} ${channel}`;
export const fedSay = (member: string, channel: string, text: string) => `FEDSAY ${member} ${channel} ${text}`;
export const fedRecv = (to: string, from: string, channel: string, text: string) => `FEDRECV ${to} ${from} ${channel} ${text}`;
export const fedResult = (user: string, result: string) => `FEDRESULT ${user} ${result}`;

/**
 * `FEDCHANNELS c1, c2`, cut into lines no longer than `maxLength` so a server with many channels never
 * sends a line its peer refuses; each line adds to what the peer knows (the link starts from none).
 */
export function fedChannels(names: readonly string[], maxLength: number): string[] {
  const lines: string[] = [];
  let line = 'FEDCHANNELS';
  let count = 0;
  for (const name of names) {
    const next = `${line}${count ? ', ' : ' '}${name}`;
    if (count && next.length > maxLength) {
      lines.push(line);
      line = `FEDCHANNELS ${name}`;
      count = 1;
    } else {
      line = next;
      count++;
    }
  }
  lines.push(line);
  return lines;
}
