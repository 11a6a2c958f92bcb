import { WebSocket } from 'ws';

/**
 * Connects to a serial console URL (as `openstack console url show --serial` prints it),
 * sends `keys`, and resolves with everything received once `expect` shows in it (the guest's
 * tty writes CRLF; it is read as LF). Rejects after `timeoutMs`, closing the socket either way.
 */
export function typeIntoSerialConsole(
  url: string,
  keys: string,
  expect: string,
  timeoutMs = 30_000,
): Promise<string> {
  const ws = new WebSocket(url);
  let received = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${JSON.stringify(expect)} in ${JSON.stringify(received)}`)),
      timeoutMs,
    );
    ws.on('message', (data: Buffer) => {
      received += data.toString('utf8');
      const text = received.replaceAll('\r\n', '\n');
      if (text.includes(expect)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    ws.once('open', () => ws.send(keys));
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`the console answered HTTP ${res.statusCode ?? 0}`));
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  }).finally(() => ws.terminate());
}

/** The HTTP status a refused console connect gets (101 when it is accepted). */
export function serialConsoleStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  return new Promise<number>((resolve, reject) => {
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  }).finally(() => ws.terminate());
}
