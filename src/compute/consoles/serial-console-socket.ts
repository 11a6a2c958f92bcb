import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import type { ComputeDeps } from '../compute-deps.js';
import { getServer } from '../servers/server-store.js';
import type { ConsoleGrant } from './console-token-store.js';
import { consumeConsoleToken } from './console-token-store.js';
import { serialConsolePath } from './remote-console-service.js';
import { bridgeSerialConsole } from './serial-console-bridge.js';

type SocketDeps = Pick<ComputeDeps, 'store' | 'clock' | 'consoles'>;

/** The websocket side of the serial console; close() ends every open console. */
export interface SerialConsoleSockets {
  close(): void;
}

/**
 * Serves `<prefix>/console/serial?token=…` on the API's own HTTP server (Nova runs a
 * separate nova-serialproxy): the upgrade takes the one-time token, opens the server's
 * serial port through its host's agent and bridges the two. Refusals are plain HTTP
 * answers before any websocket exists; they never say which host or path was involved.
 */
export function serveSerialConsoles(
  http: HttpServer,
  deps: SocketDeps,
  prefix: string,
  log: Logger,
): SerialConsoleSockets {
  // 'binary' is the subprotocol websockify clients (Nova's serial console clients) ask for.
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has('binary') ? 'binary' : false),
  });
  const path = `${prefix}${serialConsolePath}`;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return refuse(socket, 404, 'Not Found');
    if (!sameOrigin(req)) return refuse(socket, 403, 'Forbidden');
    upgrade(deps, url.searchParams.get('token') ?? '', req, socket, head, wss).catch((err: unknown) => {
      log.error({ err }, 'serial console connection failed');
      refuse(socket, 500, 'Internal Server Error');
    });
  };
  http.on('upgrade', onUpgrade);
  return {
    close() {
      http.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

async function upgrade(
  deps: SocketDeps,
  token: string,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  wss: WebSocketServer,
): Promise<void> {
  const grant = token === '' ? undefined : await takeToken(deps, token);
  if (grant === undefined) return refuse(socket, 401, 'Unauthorized');
  const consoles = deps.consoles.serial(grant.host);
  const port = await consoles?.open(grant.serverId).catch(() => undefined);
  if (port === undefined) return refuse(socket, 503, 'Service Unavailable');
  if (socket.destroyed) {
    port.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws: WebSocket) => bridgeSerialConsole(ws, port));
}

/** The token's grant, while its server is still on the host the token was made for. */
async function takeToken(deps: SocketDeps, token: string): Promise<ConsoleGrant | undefined> {
  const grant = await deps.store.write((tx) => consumeConsoleToken(tx, token, deps.clock().toISOString()));
  if (grant === undefined || grant.consoleType !== 'serial') return undefined;
  const s = await getServer(deps.store.db, grant.serverId);
  return s !== undefined && s.deletedAt === null && s.host === grant.host ? grant : undefined;
}

/** A browser page from another site may not open consoles with a token it got hold of. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
