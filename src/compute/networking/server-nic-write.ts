import type { WorkloadDevice } from '../../agent/drivers/driver.js';
import { deviceRefOf } from '../../agent/drivers/driver.js';
import { isCloudError } from '../../common/errors.js';
import { uuid } from '../../common/ids.js';
import type { Tx } from '../../db/db-handle.js';
import { withSavepoint } from '../../db/savepoint.js';
import type { NetworkUser, PreparedPort } from '../../network/index.js';
import type { ComputeDeps } from '../compute-deps.js';
import { checkDevice } from '../devices/device-checks.js';
import { insertAttachment } from '../devices/device-store.js';
import type { ServerRow } from '../servers/server-store.js';
import { updateServerIf } from '../servers/server-store.js';
import type { RequestedNic } from './requested-networks.js';
import type { RequestedGroups } from './server-security-groups.js';
import { buildFault, deviceOwnerOf, nicOf, novaMessage } from './server-ports.js';
import { insertRows } from '../../db/prepared-query.js';

/** The ports of a create request, checked before its write; one per requested network. */
export interface PreparedNics {
  readonly nics: ReadonlyArray<RequestedNic>;
  readonly ports: ReadonlyArray<PreparedPort>;
}

/**
 * Prepares the ports the request's servers get, so they are written in the servers' own
 * transaction (one commit per create, and no server ever committed without its ports).
 * Undefined when a NIC is a user's port: binding it is a port update, a write of its own.
 */
export async function prepareServerNics(
  deps: ComputeDeps,
  user: NetworkUser,
  zone: string | null,
  nics: ReadonlyArray<RequestedNic>,
  groups: RequestedGroups | undefined,
): Promise<PreparedNics | undefined> {
  if (nics.length === 0 || nics.some((n) => n.kind !== 'network')) return undefined;
  const ports: PreparedPort[] = [];
  for (const nic of nics) {
    if (nic.kind !== 'network') continue;
    ports.push(
      await deps.network.preparePort(user, {
        networkId: nic.networkId,
        ...(nic.network !== undefined && { network: nic.network }),
        deviceOwner: deviceOwnerOf(zone),
        ...(nic.fixedIp !== undefined && { fixedIp: nic.fixedIp }),
        ...(groups !== undefined && { securityGroups: groups.ids, withDefaultGroup: groups.withDefault }),
      }),
    );
  }
  return { nics, ports };
}

/**
 * Inside the create's write: each new server's ports, their records and attachments. A
 * port that cannot be made (address taken or exhausted, quota raced away) fails that
 * server's build alone, as in Nova, with the network's reason as fault; what was written
 * for its other ports is rolled back (Nova deallocates them).
 */
export async function writeNewServerNics(
  deps: ComputeDeps,
  tx: Tx,
  servers: ReadonlyArray<ServerRow>,
  prepared: PreparedNics,
  now: string,
): Promise<void> {
  for (const s of servers) {
    try {
      await withSavepoint(tx, 'server_nics', () => writeServerNics(deps, tx, s, prepared, now));
    } catch (err) {
      if (!isCloudError(err)) throw err;
      const fault = buildFault(novaMessage(err.message, err.code, prepared.nics), now);
      await updateServerIf(
        tx,
        s.id,
        { generation: s.generation },
        { vm_state: 'error', task_state: null, fault },
        now,
      );
    }
  }
}

async function writeServerNics(
  deps: ComputeDeps,
  tx: Tx,
  s: ServerRow,
  prepared: PreparedNics,
  now: string,
): Promise<void> {
  // Nova names its instances' ports after them (dns_name = hostname) when Neutron has dns-integration.
  const dnsName = s.hostname === '' ? undefined : s.hostname;
  for (const p of prepared.ports) {
    const port = await deps.network.insertPreparedPort(tx, p, s.id, dnsName);
    const device: WorkloadDevice = { kind: 'nic', nic: nicOf(port) };
    checkDevice(device);
    await insertRows(tx, 'server_ports', [
      {
        server_id: s.id,
        port_id: port.id,
        network_id: port.networkId,
        preserve_on_delete: 0,
        created_at: now,
      },
    ]);
    await insertAttachment(tx, { id: uuid(), serverId: s.id, device, deviceId: deviceRefOf(device).id }, now);
  }
}
