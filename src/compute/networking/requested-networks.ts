import { ConflictError, ForbiddenError, InputError, isCloudError } from '../../common/errors.js';
import type { NetworkInfo, NetworkUser, PortInfo } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';

/**
 * One NIC a new server gets: a port compute creates on `networkId` (with the `network` as the
 * checks read it, so the port create does not read it again), or the user's `port`.
 */
export type RequestedNic =
  | {
      readonly kind: 'network';
      readonly networkId: string;
      readonly fixedIp?: string;
      readonly network?: NetworkInfo;
    }
  | { readonly kind: 'port'; readonly port: PortInfo };

export type NetworksField =
  ReadonlyArray<{ uuid?: string; port?: string; fixed_ip?: string }> | 'auto' | 'none';

/**
 * Nova's validate_networks, before anything is written: every named network and port
 * exists and is the caller's to use (else 400), a port is free (409) and has an address,
 * and a network has a subnet. `auto` (and no `networks` before 2.37) takes the project's
 * only network, own or shared; with several it is ambiguous (409). With none, `auto` asks
 * the network service's auto-allocated-topology (Nova's _auto_allocate_network) and a
 * request without `networks` gets no network.
 */
export async function resolveNetworks(
  deps: ComputeDeps,
  user: NetworkUser,
  networks: NetworksField | undefined,
  maxCount: number,
): Promise<RequestedNic[]> {
  if (networks === 'none') return [];
  if (networks === undefined || networks === 'auto') return autoNetwork(deps, user, networks === 'auto');
  const nics: RequestedNic[] = [];
  for (const n of networks) {
    if (n.port !== undefined)
      nics.push({ kind: 'port', port: await usablePort(deps, user, n.port, maxCount) });
    else
      nics.push({
        kind: 'network',
        networkId: n.uuid!,
        ...(n.fixed_ip !== undefined && { fixedIp: n.fixed_ip }),
      });
  }
  return checkNetworksExist(deps, user, nics);
}

async function autoNetwork(deps: ComputeDeps, user: NetworkUser, allocate: boolean): Promise<RequestedNic[]> {
  const nets = await deps.network.availableNetworks(user);
  if (nets.length === 0)
    return allocate ? [{ kind: 'network', networkId: await autoAllocated(deps, user) }] : [];
  if (nets.length > 1)
    throw new ConflictError(
      'compute.network.ambiguous',
      'More than one possible network found. Specify network ID(s) to select which one(s) to connect to.',
    );
  if (nets[0]!.subnetCount === 0) throw requiresSubnet(nets[0]!.id);
  return [{ kind: 'network', networkId: nets[0]!.id, network: nets[0]! }];
}

/** The project's auto-allocated network; Neutron's refusal (no default external network) is Nova's 400. */
async function autoAllocated(deps: ComputeDeps, user: NetworkUser): Promise<string> {
  try {
    return await deps.network.autoAllocatedNetwork(user, false);
  } catch (err) {
    if (!(isCloudError(err) && err.status === 409)) throw err;
    throw new InputError(
      'compute.network.auto_allocate_failed',
      `Unable to automatically allocate a network for project ${user.projectId}`,
    );
  }
}

export async function usablePort(deps: ComputeDeps, user: NetworkUser, id: string, maxCount: number) {
  const port = await deps.network.showPort(user, id);
  if (port === undefined) throw new InputError('compute.port.not_found', `Port id ${id} could not be found.`);
  if (port.deviceId !== '') throw new ConflictError('compute.port.in_use', `Port ${id} is still in use.`);
  if (port.fixedIps.length === 0)
    throw new InputError(
      'compute.port.requires_fixed_ip',
      `Port ${id} requires a FixedIP in order to be used.`,
    );
  if (maxCount > 1)
    throw new InputError(
      'compute.port.multiple_instances',
      'Failed to launch instances: Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.',
    );
  return port;
}

/** The NICs, each network one with its network as the user sees it; throws Nova's faults. */
export async function checkNetworksExist(
  deps: ComputeDeps,
  user: NetworkUser,
  nics: RequestedNic[],
): Promise<RequestedNic[]> {
  const ids = [...new Set(nics.flatMap((n) => (n.kind === 'network' ? [n.networkId] : [])))];
  if (ids.length === 0) return nics;
  const found = new Map((await deps.network.availableNetworks(user, ids)).map((n) => [n.id, n]));
  for (const id of ids) {
    const net = found.get(id);
    if (net === undefined)
      throw new InputError('compute.network.not_found', `Network ${id} could not be found.`);
    if (net.subnetCount === 0) throw requiresSubnet(id);
  }
  for (const n of nics) {
    if (n.kind !== 'network' || n.fixedIp === undefined) continue;
    const holder = await deps.network.addressHolder(n.networkId, n.fixedIp);
    if (holder !== undefined)
      throw new InputError(
        'compute.network.fixed_ip_in_use',
        `Fixed IP address ${n.fixedIp} is already in use on instance ${holder}.`,
      );
  }
  return nics.map((n) => (n.kind === 'network' ? { ...n, network: found.get(n.networkId)! } : n));
}

function requiresSubnet(id: string): InputError {
  return new InputError(
    'compute.network.requires_subnet',
    `Network ${id} requires a subnet in order to boot instances on.`,
  );
}

/**
 * Nova's port quota check: the ports compute creates for `count` servers must fit the
 * project's network quota; fewer than `min` servers' worth is 403, else `max` shrinks.
 */
export async function portQuotaCount(
  deps: ComputeDeps,
  projectId: string,
  nics: ReadonlyArray<RequestedNic>,
  min: number,
  max: number,
): Promise<number> {
  const perServer = nics.filter((n) => n.kind === 'network').length;
  if (perServer === 0) return max;
  const fits = Math.floor((await deps.network.portHeadroom(projectId)) / perServer);
  if (fits < min) throw new ForbiddenError('compute.port.limit_exceeded', 'Maximum number of ports exceeded');
  return Math.min(max, fits);
}
