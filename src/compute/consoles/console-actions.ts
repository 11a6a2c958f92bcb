import Type from 'typebox';
import { respond } from '../../common/http/http-response.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { compileValidator } from '../../common/http/validation.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { remoteConsolePolicyRule, remoteConsoleUrl } from './remote-console-routes.js';

type ActionHandler = (ctx: RequestContext, deps: ComputeDeps, s: Server, body: unknown) => Promise<unknown>;

/** One of Nova's console actions (2.1-2.5): `{"<action>": {"type": ...}}` → `{"console": {type, url}}`. */
function consoleAction(action: string, protocol: string, types: string[]): [string, ActionHandler] {
  // The whole body is checked, so a bad type is named by its path as Nova's jsonschema does.
  const validate = compileValidator(
    Type.Object(
      {
        [action]: Type.Object(
          { type: Type.Union(types.map((t) => Type.Literal(t))) },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  );
  return [
    remoteConsolePolicyRule,
    async (ctx, deps, s, arg) => {
      const body = validate({ [action]: arg }, 'body') as Record<string, { type: string }>;
      const consoleType = body[action]!.type;
      const url = await remoteConsoleUrl(deps, s, protocol, consoleType, ctx.serviceUrl);
      return respond({ console: { type: consoleType, url } }, { status: 200 });
    },
  ];
}

/** The server actions that get console URLs, merged into server-action-routes' table. */
export const consoleActions: Readonly<Record<string, [string, ActionHandler]>> = {
  'os-getSerialConsole': consoleAction('os-getSerialConsole', 'serial', ['serial']),
  'os-getVNCConsole': consoleAction('os-getVNCConsole', 'vnc', ['novnc', 'xvpvnc']),
  'os-getSPICEConsole': consoleAction('os-getSPICEConsole', 'spice', ['spice-html5']),
  'os-getRDPConsole': consoleAction('os-getRDPConsole', 'rdp', ['rdp-html5']),
};

/** The console actions end at 2.6, where POST /servers/{id}/remote-consoles replaces them. */
export const consoleActionsRemovedAt = Object.fromEntries(
  Object.keys(consoleActions).map((name) => [name, [2, 6] as const]),
);
