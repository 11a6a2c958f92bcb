import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, serviceCall } from '../api.js';
import type { Session } from '../session.js';
import { ErrorAlert } from './error-alert.js';

/** Asks Nova for a serial console URL (2.6+ remote-consoles); its token works once. */
async function serialUrl(s: Session, serverId: string): Promise<string> {
  const body = await serviceCall<{ remote_console: { url: string } }>(
    s,
    'compute',
    `/servers/${serverId}/remote-consoles`,
    { method: 'POST', body: { remote_console: { protocol: 'serial', type: 'serial' } } },
  );
  return body.remote_console.url;
}

/**
 * The guest's serial port in a terminal: bytes from the websocket are drawn, keys typed
 * go back as binary frames (the 'binary' subprotocol websockify clients speak).
 */
export function SerialConsole({ session, serverId }: { session: Session; serverId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'connecting' | 'open' | 'closed'>('connecting');
  const [error, setError] = useState<string>();
  useEffect(() => {
    const term = new Terminal({ rows: 20, cols: 100, convertEol: false, screenReaderMode: true });
    term.open(box.current!);
    let ws: WebSocket | undefined;
    let live = true;
    serialUrl(session, serverId).then(
      (url) => {
        if (!live) return;
        ws = new WebSocket(url, ['binary']);
        ws.binaryType = 'arraybuffer';
        ws.onopen = () => {
          setState('open');
          // xterm draws only while visible: bring it on screen, keys go to it.
          box.current?.scrollIntoView({ block: 'nearest' });
          term.focus();
        };
        ws.onclose = () => setState('closed');
        ws.onmessage = (m: MessageEvent<ArrayBuffer | string>) =>
          term.write(typeof m.data === 'string' ? m.data : new Uint8Array(m.data));
      },
      (err: unknown) => (setError(errorText(err)), setState('closed')),
    );
    const typing = term.onData(
      (d) => ws?.readyState === WebSocket.OPEN && ws.send(new TextEncoder().encode(d)),
    );
    return () => {
      live = false;
      typing.dispose();
      ws?.close();
      term.dispose();
    };
  }, [session.token, serverId]);
  return (
    <div class="serial-console">
      <p aria-live="polite">Serial console: {state}</p>
      <ErrorAlert error={error} />
      <div ref={box} class="serial-screen" aria-label="Serial console terminal" />
    </div>
  );
}
