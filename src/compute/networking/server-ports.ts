import type { WorkloadDevice, WorkloadNic } from '../../agent/drivers/driver.js';
import { deviceRefOf } from '../../agent/drivers/driver.js';
import { isCloudError } from '../../common/errors.js';
import { uuid } from '../../common/ids.js';
import type { NetworkUser, PortInfo } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { checkDevice } from '../devices/device-checks.js';
import { requestAttach } from '../devices/device-service.js';
import { insertAttachment } from '../devices/device-store.js';
import type { Server } from '../servers/server-model.js';
import { updateServerIf } from '../servers/server-store.js';
import type { RequestedNic } from './requested-networks.js';
import type { RequestedGroups } from './server-security-groups.js';
import { forgetServerPort, recordServerPort, serverPorts } from './server-port-store.js';

/** Nova's device_owner for an instance's ports. */
export function deviceOwnerOf(zone: string | null): string {
  return `compute:${zone ?? 'nova'}`;
}

/** The host-side device of a port, as Nova names it for Linux bridge and OVS: tap + 11 characters. */
export function hostDeviceName(portId: string): string {
  return `tap${portId.slice(0, 11)}`;
}

/** The NIC a driver gets for a port (the device seam's spec). */
export function nicOf(port: PortInfo): WorkloadNic {
  return {
    portId: port.id,
    networkId: port.networkId,
    mac: port.macAddress,
    mtu: port.mtu,
    hostName: hostDeviceName(port.id),
    fixedIps: port.fixedIps.map((ip) => ({
      subnetId: ip.subnetId,
      ipAddress: ip.ipAddress,
      cidr: ip.cidr,
      gateway: ip.gateway,
      dhcp: ip.dhcp,
      dnsNameservers: ip.dnsNameservers,
      hostRoutes: ip.hostRoutes,
    })),
  };
}

/** Creates the port for a requested NIC, or binds the user's, to the server. */
async function portFor(
  deps: ComputeDeps,
  user: NetworkUser,
  s: Pick<Server, 'id' | 'availabilityZone' | 'hostname'>,
  nic: RequestedNic,
  groups: RequestedGroups | undefined,
): Promise<PortInfo> {
  const owner = deviceOwnerOf(s.availabilityZone);
  // Nova names its instances' ports after them (dns_name = hostname) when Neutron has dns-integration.
  const dnsName = s.hostname === '' ? undefined : s.hostname;
  if (nic.kind === 'port') return deps.network.bindPort(nic.port.id, s.id, owner, dnsName);
  return deps.network.createPort(user, {
    networkId: nic.networkId,
    deviceId: s.id,
    deviceOwner: owner,
    ...(dnsName !== undefined && { dnsName }),
    ...(nic.fixedIp !== undefined && { fixedIp: nic.fixedIp }),
    ...(groups !== undefined && { securityGroups: groups.ids, withDefaultGroup: groups.withDefault }),
  });
}

function serverPortRow(deps: ComputeDeps, serverId: string, port: PortInfo, nic: RequestedNic) {
  return {
    server_id: serverId,
    port_id: port.id,
    network_id: port.networkId,
    preserve_on_delete: nic.kind === 'port' ? 1 : 0,
    created_at: deps.clock().toISOString(),
  };
}

/**
 * Puts one requested NIC on a server: creates the port (or binds the user's), remembers
 * it, and asks the server's host for the NIC through the device seam. The port is
 * recorded before the attach, so a delete after a crash still finds it.
 */
export async function addServerNic(
  deps: ComputeDeps,
  user: NetworkUser,
  s: Pick<Server, 'id' | 'availabilityZone' | 'host' | 'hostname'>,
  nic: RequestedNic,
  groups?: RequestedGroups,
): Promise<PortInfo> {
  const port = await portFor(deps, user, s, nic, groups);
  await recordServerPort(deps.store.db, serverPortRow(deps, s.id, port, nic));
  if (s.host !== null) await deps.network.bindHost([s.id], s.host);
  await requestAttach(deps, s.id, { kind: 'nic', nic: nicOf(port) });
  return port;
}

/**
 * The NIC of a server this request just inserted: it has no host and no attachment yet,
 * so the port's record and its attachment are written together (one group-committed
 * write) without reading the server back, and no host needs waking.
 */
async function addNewServerNic(
  deps: ComputeDeps,
  user: NetworkUser,
  s: Pick<Server, 'id' | 'availabilityZone' | 'hostname'>,
  nic: RequestedNic,
  groups: RequestedGroups | undefined,
): Promise<void> {
  const port = await portFor(deps, user, s, nic, groups);
  const device: WorkloadDevice = { kind: 'nic', nic: nicOf(port) };
  checkDevice(device);
  const now = deps.clock().toISOString();
  await deps.store.write(async (tx) => {
    await tx
      .insertInto('server_ports')
      .values(serverPortRow(deps, s.id, port, nic))
      .execute();
    await insertAttachment(tx, { id: uuid(), serverId: s.id, device, deviceId: deviceRefOf(device).id }, now);
  });
}

/**
 * The new servers' NICs (`servers` were just inserted, unscheduled). A port that cannot be made (address taken or exhausted, quota
 * raced away) fails that server's build, as in Nova, with the network's reason as fault.
 */
export async function allocateServerNics(
  deps: ComputeDeps,
  user: NetworkUser,
  servers: ReadonlyArray<Server>,
  nics: ReadonlyArray<RequestedNic>,
  groups?: RequestedGroups,
): Promise<void> {
  if (nics.length === 0) return;
  for (const s of servers) {
    try {
      for (const nic of nics) await addNewServerNic(deps, user, s, nic, groups);
    } catch (err) {
      if (!isCloudError(err)) throw err;
      await failBuild(deps, s, novaMessage(err.message, err.code, nics));
    }
  }
}

export function novaMessage(message: string, code: string, nics: ReadonlyArray<RequestedNic>): string {
  if (code === 'network.ip_address.already_allocated') {
    const ip = nics.find((n) => n.kind === 'network' && n.fixedIp !== undefined);
    return ip?.kind === 'network' ? `Fixed IP address ${ip.fixedIp} is already in use.` : message;
  }
  if (code === 'network.over.quota') return 'Maximum number of ports exceeded';
  return message;
}

/** The fault of a build whose port could not be made. */
export function buildFault(message: string, now: string): string {
  return JSON.stringify({ code: 400, message, details: '', created: now });
}

async function failBuild(deps: ComputeDeps, s: Server, message: string): Promise<void> {
  const now = deps.clock().toISOString();
  const fault = buildFault(message, now);
  await updateServerIf(
    deps.store.db,
    s.id,
    { generation: s.generation },
    { vm_state: 'error', task_state: null, fault },
    now,
  );
}

/**
 * What a server's delete does to its ports (Nova's deallocate_for_instance): deletes the
 * ones compute created, unbinds the user's. Each step is idempotent, so a delete resumed
 * after a crash replays it.
 */
export async function releaseServerPorts(deps: ComputeDeps, serverId: string): Promise<void> {
  for (const p of await serverPorts(deps.store.db, serverId)) await releasePort(deps, serverId, p);
}

export async function releasePort(
  deps: ComputeDeps,
  serverId: string,
  p: { port_id: string; preserve_on_delete: number },
): Promise<void> {
  if (p.preserve_on_delete === 1) await deps.network.unbindPort(p.port_id, serverId);
  else await deps.network.deletePort(p.port_id);
  await forgetServerPort(deps.store.db, serverId, p.port_id);
}
