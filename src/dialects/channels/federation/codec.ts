// Every line one server sends another over a federation link, in one place (channels.md, "Federation").
export const federateOut = (name: string) => `FEDERATE-OUT ${name}`;
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
