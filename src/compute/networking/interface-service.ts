import { ConflictError, InputError, InvalidStateError, NotFoundError } from '../../common/errors.js';
import type { NetworkUser, PortInfo } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { requestDetach } from '../devices/device-service.js';
import type { Caller } from '../servers/server-inputs.js';
import type { Server } from '../servers/server-model.js';
import type { RequestedNic } from './requested-networks.js';
import { checkNetworksExist, usablePort } from './requested-networks.js';
import { serverPorts } from './server-port-store.js';
import { addServerNic, releasePort } from './server-ports.js';

export interface InterfaceRequest {
  readonly net_id?: string;
  readonly port_id?: string;
  readonly fixed_ips?: ReadonlyArray<{ readonly ip_address: string }>;
}

// Nova's check_instance_state for attach_interface and detach_interface.
const states = new Set(['active', 'paused', 'stopped']);

function checkState(s: Server, action: 'attach_interface' | 'detach_interface'): void {
  if (states.has(s.vmState) && s.taskState === null) return;
  const [attr, value] = s.taskState === null ? ['vm_state', s.vmState] : ['task_state', s.taskState];
  throw new InvalidStateError(
    'compute.server.invalid_state',
    `Cannot '${action}' instance ${s.id} while it is in ${attr} ${value}`,
    'server',
    value,
    action,
  );
}

const userOf = (c: Caller): NetworkUser => ({ projectId: c.projectId, isAdmin: c.isAdmin });

/** Nova's os-interface view of a port. */
export function interfaceView(p: PortInfo) {
  return {
    port_state: p.status,
    fixed_ips: p.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
    port_id: p.id,
    net_id: p.networkId,
    mac_addr: p.macAddress,
  };
}

export async function listInterfaces(deps: ComputeDeps, s: Server) {
  return (await deps.network.portsOfDevices([s.id])).map(interfaceView);
}

export async function showInterface(deps: ComputeDeps, caller: Caller, s: Server, portId: string) {
  const port = await deps.network.showPort(userOf(caller), portId);
  if (port === undefined)
    throw new NotFoundError('compute.port.not_found', `Port id ${portId} could not be found.`);
  if (port.deviceId !== s.id)
    throw new NotFoundError(
      'compute.interface.not_found',
      `Instance ${s.id} does not have a port with id ${portId}`,
    );
  return interfaceView(port);
}

/** Creates (or binds) the port and asks the host to hot-plug it through the device seam. */
export async function attachInterface(deps: ComputeDeps, caller: Caller, s: Server, req: InterfaceRequest) {
  if (req.net_id !== undefined && req.port_id !== undefined)
    throw new InputError('compute.interface.both', 'Must not input both network_id and port_id');
  if (req.fixed_ips !== undefined && req.net_id === undefined)
    throw new InputError(
      'compute.interface.ip_needs_network',
      'Must input network_id when request IP address',
    );
  checkState(s, 'attach_interface');
  const nic = await requestedNic(deps, caller, req);
  return interfaceView(await addServerNic(deps, userOf(caller), s, nic));
}

async function requestedNic(deps: ComputeDeps, caller: Caller, req: InterfaceRequest): Promise<RequestedNic> {
  const user = userOf(caller);
  if (req.port_id !== undefined) {
    try {
      return { kind: 'port', port: await usablePort(deps, user, req.port_id, 1) };
    } catch (err) {
      // os-interface answers 404 for a port that is not there (the create path's 400).
      if (err instanceof InputError && err.code === 'compute.port.not_found')
        throw new NotFoundError(err.code, err.message);
      throw err;
    }
  }
  if (req.net_id !== undefined) {
    const fixedIp = req.fixed_ips?.[0]?.ip_address;
    const nic: RequestedNic = {
      kind: 'network',
      networkId: req.net_id,
      ...(fixedIp !== undefined && { fixedIp }),
    };
    try {
      await checkNetworksExist(deps, user, [nic]);
    } catch (err) {
      if (err instanceof InputError && err.code === 'compute.network.not_found')
        throw new NotFoundError(err.code, err.message);
      if (err instanceof InputError && err.code === 'compute.network.fixed_ip_in_use')
        throw new ConflictError(err.code, err.message);
      throw err;
    }
    return nic;
  }
  const nets = await deps.network.availableNetworks(user);
  if (nets.length === 0)
    throw new InputError(
      'compute.interface.no_network',
      `No specific network was requested and none are available for project '${caller.projectId}'.`,
    );
  if (nets.length > 1)
    throw new InputError(
      'compute.network.ambiguous',
      'More than one possible network found. Specify network ID(s) to select which one(s) to connect to.',
    );
  return { kind: 'network', networkId: nets[0]!.id };
}

/** Asks the host to unplug the NIC, then deletes compute's port or unbinds the user's. */
export async function detachInterface(deps: ComputeDeps, s: Server, portId: string): Promise<void> {
  const row = (await serverPorts(deps.store.db, s.id)).find((p) => p.port_id === portId);
  if (row === undefined)
    throw new NotFoundError('compute.port.not_attached', `Port ${portId} is not attached`);
  checkState(s, 'detach_interface');
  await requestDetach(deps, s.id, { kind: 'nic', id: portId });
  await releasePort(deps, s.id, row);
}
