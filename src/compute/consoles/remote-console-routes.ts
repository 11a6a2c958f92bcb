import Type from 'typebox';
import { NotFoundError } from '../../common/errors.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import { compileValidator } from '../../common/http/validation.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf } from '../servers/server-caller.js';
import type { Server } from '../servers/server-model.js';
import { findServer } from '../servers/server-service.js';
import { consoleTypeUnavailable, serialConsoleUrl } from './remote-console-service.js';
import { remoteConsoleResponse } from './remote-console-response-schemas.js';

export const remoteConsolePolicyRule = 'os_compute_api:os-remote-consoles';

/** Nova's rule: members get consoles of their project's servers (the old console actions share it). */
export const remoteConsolePolicy: Readonly<Record<string, string>> = {
  [remoteConsolePolicyRule]: 'rule:project_member_or_admin',
};

/** Nova's create schema: 2.6 has vnc, spice, rdp and serial; 2.8 adds mks (webmks). */
function createBody(protocols: string[], types: string[]) {
  const oneOf = (values: string[], description: string) =>
    Type.Union(
      values.map((v) => Type.Literal(v)),
      { description },
    );
  return compileValidator(
    Type.Object(
      {
        remote_console: Type.Object(
          {
            protocol: oneOf(protocols, 'The console protocol; Strata serves serial.'),
            type: oneOf(types, 'The console type; serial for the serial protocol.'),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  );
}
const types26 = ['novnc', 'xvpvnc', 'rdp-html5', 'spice-html5', 'serial'];
const body26 = createBody(['vnc', 'spice', 'rdp', 'serial'], types26);
const body28 = createBody(['vnc', 'spice', 'rdp', 'serial', 'mks'], [...types26, 'webmks']);

/**
 * A console URL for the server in `protocol`: Strata serves the serial protocol; the others
 * answer as Nova does with their proxies disabled (ConsoleTypeUnavailable).
 */
export async function remoteConsoleUrl(
  deps: ComputeDeps,
  s: Server,
  protocol: string,
  consoleType: string,
  serviceUrl: string,
): Promise<string> {
  if (protocol !== 'serial') throw consoleTypeUnavailable(consoleType);
  return serialConsoleUrl(deps, s, consoleType, serviceUrl);
}

/** POST /servers/{id}/remote-consoles (2.6+; below it Nova has the os-get*Console actions). */
export const remoteConsoleRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'POST',
    url: '/v2.1/servers/:server_id/remote-consoles',
    // Checked in the handler: Nova looks the server up (404) before its policy check.
    successStatus: 200,
    response: remoteConsoleResponse,
    expectedErrors: [400, 404, 409],
    handler: async (ctx, deps) => {
      if (!atLeast(ctx.microversion, [2, 6]))
        throw new NotFoundError('compute.remote_consoles.version', 'The resource could not be found.');
      const validate = atLeast(ctx.microversion, [2, 8]) ? body28 : body26;
      const { remote_console: rc } = validate(ctx.body ?? {}, 'body') as {
        remote_console: { protocol: string; type: string };
      };
      const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!);
      ctx.authorize(remoteConsolePolicyRule, { project_id: s.projectId });
      const url = await remoteConsoleUrl(deps, s, rc.protocol, rc.type, ctx.serviceUrl);
      return { remote_console: { protocol: rc.protocol, type: rc.type, url } };
    },
  }),
];
