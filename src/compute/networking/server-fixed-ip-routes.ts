import { isIP } from 'node:net';
import Type from 'typebox';
import { InputError } from '../../common/errors.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { compileValidator } from '../../common/http/validation.js';
import type { ComputeDeps } from '../compute-deps.js';
import { callerOf } from '../servers/server-caller.js';
import type { Server } from '../servers/server-model.js';
import { checkLock } from '../servers/server-service.js';

const rule = (action: string) => `os_compute_api:os-multinic:${action}`;

export const fixedIpPolicy: Readonly<Record<string, string>> = {
  [rule('add')]: 'rule:project_member_or_admin',
  [rule('remove')]: 'rule:project_member_or_admin',
};

// Nova's multinic schemas; the body is checked whole so faults name 'addFixedIp/networkId'.
const addBody = compileValidator(
  Type.Object(
    {
      addFixedIp: Type.Object(
        { networkId: Type.Union([Type.String({ minLength: 1, maxLength: 36 }), Type.Number()]) },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
);
const removeBody = compileValidator(
  Type.Object(
    { removeFixedIp: Type.Object({ address: Type.String() }, { additionalProperties: false }) },
    { additionalProperties: false },
  ),
);

/** addFixedIp (up to 2.43): an address from the network on the server's port there. */
async function addFixedIp(ctx: RequestContext, deps: ComputeDeps, s: Server, arg: unknown) {
  const b = addBody({ addFixedIp: arg }, 'body') as { addFixedIp: { networkId: string | number } };
  checkLock(s, callerOf(ctx));
  const networkId = String(b.addFixedIp.networkId);
  const onPort = await deps.network.portsOfDevices([s.id]);
  if (!onPort.some((p) => p.networkId === networkId))
    throw new InputError(
      'compute.network.not_found_for_instance',
      `Network could not be found for instance ${s.id}.`,
    );
  if ((await deps.network.addFixedIp(s.id, networkId)) === undefined)
    throw new InputError(
      'compute.network.no_more_fixed_ips',
      `No fixed IP addresses available for network: ${networkId}`,
    );
}

/** removeFixedIp (up to 2.43): the address off whichever of the server's ports holds it. */
async function removeFixedIp(ctx: RequestContext, deps: ComputeDeps, s: Server, arg: unknown) {
  const b = removeBody({ removeFixedIp: arg }, 'body') as { removeFixedIp: { address: string } };
  const address = b.removeFixedIp.address;
  if (isIP(address) === 0)
    throw new InputError(
      'common.validation.body',
      `Invalid input for field 'removeFixedIp/address': '${address}' is not valid under any of the given schemas`,
    );
  checkLock(s, callerOf(ctx));
  if (!(await deps.network.removeFixedIp(s.id, address)))
    throw new InputError(
      'compute.network.fixed_ip_not_found_for_instance',
      `Instance ${s.id} does not have fixed IP '${address}'.`,
    );
}

type ActionHandler = (ctx: RequestContext, deps: ComputeDeps, s: Server, body: unknown) => Promise<unknown>;

/** Nova's multinic actions, merged into server-action-routes' table (gone from 2.44: 404). */
export const fixedIpActions: Readonly<Record<string, [string, ActionHandler]>> = {
  addFixedIp: [rule('add'), addFixedIp],
  removeFixedIp: [rule('remove'), removeFixedIp],
};
