import { InputError, NotFoundError } from '../../common/errors.js';
import type { NetworkUser, SecurityGroupInfo, SecurityGroupRuleInfo } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';
import { groupsById, groupsOfPorts } from './server-addresses.js';

/** The groups POST /servers asked for, as ids; `withDefault` when `default` was named. */
export interface RequestedGroups {
  readonly ids: ReadonlyArray<string>;
  readonly withDefault: boolean;
}

/**
 * Nova's _check_requested_secgroups: distinct names, each resolved by name or id in the
 * caller's project (unknown is a 400, ambiguous a 409); `default` is left for the network
 * to resolve. Undefined when nothing or only `default` is asked: the port's default.
 */
export async function resolveRequestedGroups(
  deps: ComputeDeps,
  user: NetworkUser,
  asked: ReadonlyArray<{ name?: string }> | undefined,
): Promise<RequestedGroups | undefined> {
  const names = [...new Set((asked ?? []).flatMap((g) => (g.name ? [g.name] : [])))];
  const others = names.filter((n) => n !== 'default');
  if (others.length === 0) return undefined;
  const ids: string[] = [];
  for (const name of others) {
    const id = await deps.network.findSecurityGroup(user, name);
    if (id === undefined)
      throw new InputError(
        'compute.security_group.not_found',
        `Unable to find security_group with name or id '${name}'`,
      );
    ids.push(id);
  }
  return { ids: [...new Set(ids)], withDefault: names.includes('default') };
}

const notFoundForProject = (name: string, user: NetworkUser) =>
  new NotFoundError(
    'compute.security_group.not_found',
    `Security group ${name} is not found for project ${user.projectId}`,
  );

const noPorts = (s: Server) =>
  new NotFoundError(
    'compute.security_group.not_found',
    `instance_id ${s.id} could not be found as device id on any ports`,
  );

/**
 * addSecurityGroup (Nova's add_to_instance): the group on every port of the server. A port
 * without port security or addresses refuses it (400) and, unlike Nova, is checked before
 * any port changes; a group already there stays once (Neutron de-duplicates).
 */
export async function addServerSecurityGroup(
  deps: ComputeDeps,
  user: NetworkUser,
  s: Server,
  name: string,
): Promise<void> {
  const id = await deps.network.findSecurityGroup(user, name);
  if (id === undefined) throw notFoundForProject(name, user);
  const ports = await deps.network.portsOfDevices([s.id]);
  if (ports.length === 0) throw noPorts(s);
  if (ports.some((p) => !p.portSecurityEnabled || p.fixedIps.length === 0))
    throw new InputError(
      'compute.security_group.cannot_be_applied',
      'Network requires port_security_enabled and subnet associated in order to apply security groups.',
    );
  for (const p of ports)
    if (!p.securityGroups.includes(id))
      await deps.network
        .setPortSecurityGroups(user, p.id, [...p.securityGroups, id])
        .catch((err: unknown) => {
          throw cannotBeApplied(err);
        });
}

/** Neutron's 400 on the port update is Nova's SecurityGroupCannotBeApplied with its message. */
function cannotBeApplied(err: unknown): unknown {
  if (err instanceof InputError)
    return new InputError('compute.security_group.cannot_be_applied', err.message);
  return err;
}

/** removeSecurityGroup (Nova's remove_from_instance): off every port that has it; 404 when none has. */
export async function removeServerSecurityGroup(
  deps: ComputeDeps,
  user: NetworkUser,
  s: Server,
  name: string,
): Promise<void> {
  const id = await deps.network.findSecurityGroup(user, name);
  if (id === undefined) throw notFoundForProject(name, user);
  const ports = await deps.network.portsOfDevices([s.id]);
  if (ports.length === 0) throw noPorts(s);
  const holding = ports.filter((p) => p.securityGroups.includes(id));
  if (holding.length === 0)
    throw new NotFoundError(
      'compute.security_group.not_associated',
      `Security group ${name} not associated with the instance ${s.id}`,
    );
  for (const p of holding)
    await deps.network.setPortSecurityGroups(
      user,
      p.id,
      p.securityGroups.filter((g) => g !== id),
    );
}

/** GET /servers/{id}/os-security-groups: the ports' groups in Nova's format, by tenant then name. */
export async function serverSecurityGroupsView(deps: ComputeDeps, user: NetworkUser, s: Server) {
  const ports = await deps.network.portsOfDevices([s.id]);
  return novaGroupsView(deps, user, groupsOfPorts(ports, await groupsById(deps, user, ports)));
}

/** Groups in Nova's format, sorted by tenant then name as Nova's controllers sort them. */
export async function novaGroupsView(
  deps: ComputeDeps,
  user: NetworkUser,
  groups: ReadonlyArray<SecurityGroupInfo>,
) {
  const named = await ruleGroupNames(deps, user, groups);
  return groups
    .map((g) => novaGroup(g, named))
    .sort((a, b) => cmp(a.tenant_id, b.tenant_id) || cmp(a.name, b.name));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type GroupRef = { name: string; tenant_id: string };

/** The groups rules point at (remote groups), read once; a group the user cannot see drops its rules. */
async function ruleGroupNames(
  deps: ComputeDeps,
  user: NetworkUser,
  groups: ReadonlyArray<SecurityGroupInfo>,
): Promise<Map<string, GroupRef>> {
  const out = new Map(groups.map((g) => [g.id, { name: g.name, tenant_id: g.projectId }]));
  const missing = [
    ...new Set(groups.flatMap((g) => g.rules.flatMap((r) => (r.remoteGroupId ? [r.remoteGroupId] : [])))),
  ].filter((id) => !out.has(id));
  if (missing.length > 0)
    for (const g of await deps.network.securityGroups(user, missing))
      out.set(g.id, { name: g.name, tenant_id: g.projectId });
  return out;
}

/** Nova's security group: ingress rules only, in its rule shape. */
function novaGroup(g: SecurityGroupInfo, named: ReadonlyMap<string, GroupRef>) {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    tenant_id: g.projectId,
    rules: g.rules
      .filter((r) => r.direction === 'ingress' && (r.remoteGroupId === null || named.has(r.remoteGroupId)))
      .map((r) => novaRule(r, named)),
  };
}

/** A protocol without ports means all of them: 1-65535 for TCP and UDP, -1 otherwise (Nova's conversion). */
function portRange(r: SecurityGroupRuleInfo): [number | null, number | null] {
  if (r.protocol !== null && r.portRangeMin === null && r.portRangeMax === null)
    return ['TCP', 'UDP'].includes(r.protocol.toUpperCase()) ? [1, 65535] : [-1, -1];
  return [r.portRangeMin, r.portRangeMax];
}

function novaRule(r: SecurityGroupRuleInfo, named: ReadonlyMap<string, GroupRef>) {
  const [from, to] = portRange(r);
  return {
    id: r.id,
    parent_group_id: r.securityGroupId,
    ip_protocol: r.protocol,
    from_port: from,
    to_port: to,
    group: r.remoteGroupId !== null ? named.get(r.remoteGroupId)! : {},
    ip_range: r.remoteGroupId !== null ? {} : { cidr: r.remoteIpPrefix ?? '0.0.0.0/0' },
  };
}
