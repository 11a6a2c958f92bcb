import { isSet, parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';
import { sharedWith } from '../rbac/object-rbac-store.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { ensureDefaultGroup } from './security-group-defaults.js';
import {
  portHasSecurityGroup,
  portSecurityRequired,
  securityGroupConflict,
  securityGroupNotFound,
} from './security-group-errors.js';
import * as store from './security-group-store.js';

/** Ports Neutron trusts (DHCP, router interfaces) get no groups. */
const isTrusted = (deviceOwner: string) => deviceOwner.startsWith('network:');

/**
 * The groups a port may name must exist and belong to the port's project or be shared with
 * it (any project for admins): SecurityGroupNotFound lists the others. Stateful and stateless groups do not mix.
 */
export async function validatePortGroups(
  db: Db,
  caller: NetworkCaller,
  projectId: string,
  ids: ReadonlyArray<string>,
): Promise<string[]> {
  const rows = await store.getGroupRows(db, ids);
  const valid = new Set<string>();
  for (const g of rows)
    if (caller.isAdmin || g.project_id === projectId || (await sharedWith(db, g.id, projectId)))
      valid.add(g.id);
  const missing = [...new Set(ids)].filter((id) => !valid.has(id));
  if (missing.length > 0) throw securityGroupNotFound(missing.join(', '));
  if (new Set(rows.map((g) => g.stateful)).size > 1)
    throw securityGroupConflict(
      'Cannot apply both stateful and stateless security groups on the same port at the same time',
    );
  return [...new Set(ids)];
}

export interface NewPortSecurity {
  readonly portSecurityEnabled: boolean;
  readonly securityGroups: string[];
}

/**
 * Port security and groups of a new port, as ML2 decides them: asked-for port security, else
 * on when groups are named, else the network's; with port security and no groups named the
 * project's `default` group; groups without port security are refused.
 */
export async function newPortSecurity(
  deps: NetworkDeps,
  caller: NetworkCaller,
  port: {
    readonly projectId: string;
    readonly deviceOwner: string;
    readonly portSecurityEnabled: boolean | undefined;
    readonly securityGroups: string[] | undefined;
    readonly networkPortSecurity: boolean;
  },
): Promise<NewPortSecurity> {
  const asked = port.securityGroups;
  const enabled = port.portSecurityEnabled ?? (asked !== undefined ? true : port.networkPortSecurity);
  if (isTrusted(port.deviceOwner)) return { portSecurityEnabled: enabled, securityGroups: [] };
  if (!enabled) {
    if (asked !== undefined && asked.length > 0) throw portSecurityRequired();
    return { portSecurityEnabled: false, securityGroups: [] };
  }
  if (asked === undefined) {
    const fallback = await ensureDefaultGroup(deps, caller, port.projectId);
    return { portSecurityEnabled: true, securityGroups: fallback === undefined ? [] : [fallback] };
  }
  return {
    portSecurityEnabled: true,
    securityGroups: await validatePortGroups(deps.store.db, caller, port.projectId, asked),
  };
}

/**
 * The groups after an update, or undefined when they do not change. Turning port security
 * off while groups stay is PortSecurityPortHasSecurityGroup; naming groups on a port
 * without port security is PortSecurityAndIPRequiredForSecurityGroups.
 */
export async function updatedPortGroups(
  db: Db,
  caller: NetworkCaller,
  port: {
    readonly project_id: string;
    readonly port_security_enabled: 0 | 1;
    readonly security_groups: string;
    readonly device_owner: string;
  },
  body: Record<string, unknown>,
): Promise<string[] | undefined> {
  const asked = body['security_groups'] as string[] | undefined;
  const enabled = (body['port_security_enabled'] as boolean | undefined) ?? isSet(port.port_security_enabled);
  if (!enabled) {
    if (asked !== undefined && asked.length > 0) throw portSecurityRequired();
    const current = parseJson<string[]>(port.security_groups, []);
    if (asked === undefined && current.length > 0) throw portHasSecurityGroup();
  }
  if (asked === undefined) return undefined;
  if (isTrusted((body['device_owner'] as string | undefined) ?? port.device_owner)) return [];
  return validatePortGroups(db, caller, port.project_id, asked);
}
