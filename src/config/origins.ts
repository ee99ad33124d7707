// Which web pages may open a WebSocket to the chat (CHAT_WEB_ORIGINS). Pure: the caller hands in the
// request's Origin and Host headers.

/** In CHAT_WEB_ORIGINS: any page may connect. */
export const ANY_ORIGIN = '*';

/**
 * Reads a comma-separated list of origins (`https://club.example.org, http://localhost:8080`) into their
 * normal form (`new URL(x).origin`: lower-case host, no default port). `*` stands for any origin.
 */
export function parseOrigins(text: string): { readonly origins: readonly string[] } | { readonly error: string } {
  const origins: string[] = [];
  for (const entry of text.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    if (entry === ANY_ORIGIN) {
      origins.push(ANY_ORIGIN);
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    const bare = url && /^https?:$/.test(url.protocol) && url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
    if (!url || !bare) return { error: `CHAT_WEB_ORIGINS: ${JSON.stringify(entry)} is not an origin like https://club.example.org (scheme, host and port only)` };
    origins.push(url.origin);
  }
  return { origins };
}

/**
 * Whether a WebSocket request may go on:
 * - no Origin header: not a browser page (a program, a terminal tool), allowed as on the TCP port;
 * - an Origin whose host and port are the request's Host: the page this server serves (also behind a proxy
 *   that terminates TLS and keeps the Host header);
 * - an Origin in the allow-list, or `*` in it;
 * anything else (another site's page in a visitor's browser) is refused.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(ANY_ORIGIN) || allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // `null` (a file or sandboxed page) and other non-URLs, unless listed
  }
}
