// One WebSocket to the chat server: each message is one line of the chat protocol, in and out.

/** The server's WebSocket endpoint, on the host that served this page. */
export const CHAT_URL = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

/**
 * Opens a connection and reports what happens to it. `close()` ends it quietly: after it, nothing is
 * reported, so only a connection that dropped by itself reports `onClose`.
 */
export function openChatSocket({ onOpen, onLine, onClose }) {
  const ws = new WebSocket(CHAT_URL);
  let quiet = false;
  ws.addEventListener('open', () => quiet || onOpen());
  ws.addEventListener('message', (event) => quiet || typeof event.data !== 'string' || onLine(event.data));
  ws.addEventListener('close', () => quiet || onClose());
  return {
    send(line) {
      if (ws.readyState === WebSocket.OPEN) ws.send(line);
    },
    close() {
      quiet = true;
      ws.close(1000);
    },
  };
}
