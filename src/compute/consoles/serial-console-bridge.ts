import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Past this much unsent output the serial port is paused until the browser catches up. */
const highWaterBytes = 1024 * 1024;

/**
 * Copies bytes both ways between a websocket and a serial port: guest output goes out as
 * binary frames, and every frame in (text or binary) is typed into the guest. Either side
 * closing ends the other; the workload itself is left alone.
 */
export function bridgeSerialConsole(ws: WebSocket, port: Duplex): void {
  port.on('data', (chunk: Buffer) => {
    ws.send(chunk, { binary: true });
    if (ws.bufferedAmount > highWaterBytes) {
      port.pause();
      const resume = () => (ws.bufferedAmount > highWaterBytes ? setTimeout(resume, 50) : port.resume());
      setTimeout(resume, 50);
    }
  });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    if (!port.destroyed) port.write(toBuffer(data));
  });
  const endSocket = (code: number) => () => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code);
  };
  port.on('end', endSocket(1000));
  port.on('close', endSocket(1000));
  // 1011: the server met a condition it cannot go on with (the guest's port failed).
  port.on('error', endSocket(1011));
  ws.on('close', () => port.destroy());
  ws.on('error', () => port.destroy());
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
