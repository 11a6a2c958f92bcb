import { ConflictError, InputError, NotImplementedError } from '../../common/errors.js';
import { randomToken } from '../../common/ids.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { insertConsoleToken } from './console-token-store.js';

/** Where the serial console's websocket listens, under the compute prefix (same port as the APIs). */
export const serialConsolePath = '/console/serial';

/**
 * A one-time URL for the server's serial console (Nova's get_serial_console): the token is
 * stored hashed, scoped to the server and its host, valid for consoleTokenTtlSec.
 * `serviceUrl` is the compute root as the caller reached it (http://host:port/compute).
 */
export async function serialConsoleUrl(
  deps: Pick<ComputeDeps, 'store' | 'clock' | 'config' | 'consoles'>,
  s: Server,
  consoleType: string,
  serviceUrl: string,
): Promise<string> {
  // Nova checks the instance has a host first (InstanceNotReady), then the type.
  if (s.host === null || s.vmState !== 'active') throw notReady(s);
  if (consoleType !== 'serial')
    throw new InputError('compute.console.type_invalid', `Invalid console type ${consoleType}`);
  const consoles = deps.consoles.serial(s.host);
  if (consoles === undefined)
    throw new NotImplementedError(
      'compute.console.remote_host',
      'Serial consoles are not supported yet for servers on hosts whose agent runs apart from the API.',
    );
  const state = await consoles.state(s.id);
  if (state === 'not-running') throw notReady(s);
  if (state === 'unsupported') throw consoleTypeUnavailable('serial');
  const token = randomToken(24);
  const now = deps.clock();
  const expires = new Date(now.getTime() + deps.config.consoleTokenTtlSec * 1000);
  await deps.store.write((tx) =>
    insertConsoleToken(
      tx,
      token,
      { consoleType, serverId: s.id, host: s.host! },
      now.toISOString(),
      expires.toISOString(),
    ),
  );
  return `${serviceUrl.replace(/^http/, 'ws')}${serialConsolePath}?token=${token}`;
}

/** Nova's answer for a protocol whose proxy is not enabled (Strata serves serial only). */
export function consoleTypeUnavailable(consoleType: string): InputError {
  return new InputError('compute.console.type_unavailable', `Unavailable console type ${consoleType}.`);
}

function notReady(s: Server): ConflictError {
  return new ConflictError('compute.console.not_ready', `Instance ${s.id} is not ready`);
}
