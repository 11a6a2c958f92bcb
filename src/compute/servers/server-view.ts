import type { AttachedVolume } from '../block-devices/volumes-attached.js';
import { createHash } from 'node:crypto';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { secondsTime } from '../../common/time.js';
import { withoutHostPaths } from './server-fault.js';
import type { Addresses, ServerNetworking } from '../networking/server-addresses.js';
import type { Server } from './server-model.js';
import { serverStatus } from './server-status.js';

/** Nova's host_status: how the compute service of the server's host is doing. */
export type HostStatus = 'UP' | 'DOWN' | 'MAINTENANCE' | 'UNKNOWN' | '';

export interface ViewContext {
  /** Public compute root, e.g. http://host/compute (links add /v2.1). */
  readonly serviceUrl: string;
  readonly isAdmin: boolean;
  /** The request's microversion (undefined: 2.1). */
  readonly microversion?: Microversion | undefined;
  /** Given when the caller may see host_status (2.16, admin by default). */
  readonly hostStatus?: ((host: string | null) => HostStatus) | undefined;
  /** The servers' ports (addresses, security groups), read once per page. */
  readonly networking?: ServerNetworking | undefined;
  /** 2.47: whether the embedded flavor shows its extra_specs (a policy rule). */
  readonly flavorExtraSpecs?: boolean | undefined;
  /** The servers' volumes (volumes_attached), read once per page. */
  readonly volumes?: ReadonlyMap<string, ReadonlyArray<AttachedVolume>> | undefined;
}

/** Nova's volumes_attached: ids, and delete_on_termination from 2.3. */
function volumesAttached(id: string, v: ViewContext) {
  const withDot = atLeast(v.microversion, [2, 3]);
  return (v.volumes?.get(id) ?? []).map((a) =>
    withDot ? { id: a.id, delete_on_termination: a.deleteOnTermination } : { id: a.id },
  );
}

const withProgress = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);

function links(kind: string, id: string, v: ViewContext, self = true) {
  const bookmark = { rel: 'bookmark', href: `${v.serviceUrl}/${kind}/${id}` };
  return self ? [{ rel: 'self', href: `${v.serviceUrl}/v2.1/${kind}/${id}` }, bookmark] : [bookmark];
}

/** launched_at and terminated_at print without a zone and with microseconds, as Nova. */
function usageTime(iso: string | null): string | null {
  return iso === null ? null : iso.replace(/\.(\d{3})Z$/, '.$1000');
}

/** The flavor as a link, or from 2.47 what the server was booted with (Nova's _get_flavor_dict). */
function flavorView(s: Server, v: ViewContext) {
  const f = s.flavor;
  if (!atLeast(v.microversion, [2, 47])) return { id: f.id, links: links('flavors', f.id, v, false) };
  return {
    vcpus: f.vcpus,
    ram: f.ram,
    disk: f.disk,
    ephemeral: f.ephemeral,
    swap: f.swap,
    original_name: f.name,
    ...(v.flavorExtraSpecs === true && { extra_specs: f.extraSpecs }),
  };
}

/** GET /servers entry. */
export function serverSummaryView(s: Server, v: ViewContext) {
  return { id: s.id, name: s.name, links: links('servers', s.id, v) };
}

/**
 * The fields every full server body has, and what PUT /servers/{id} and rebuild return
 * before 2.75: Nova's view without the AZ, config drive, key, usage, security group,
 * extended status, volume, extended attribute and host status parts.
 */
export function serverCoreView(s: Server, v: ViewContext, extendAddress = true) {
  const mv = v.microversion;
  const status = serverStatus(s);
  return {
    id: s.id,
    name: s.name,
    status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: s.metadata,
    hostId: s.host
      ? createHash('sha224')
          .update(s.projectId + s.host)
          .digest('hex')
      : '',
    // A volume-backed server has no image: Nova shows an empty string.
    image: s.imageId === '' ? '' : { id: s.imageId, links: links('images', s.imageId, v, false) },
    flavor: flavorView(s, v),
    created: secondsTime(s.createdAt),
    updated: secondsTime(s.updatedAt),
    addresses: addressesView(v.networking?.addresses(s.id) ?? {}, extendAddress),
    accessIPv4: s.accessIpv4,
    accessIPv6: s.accessIpv6,
    links: links('servers', s.id, v),
    'OS-DCF:diskConfig': 'MANUAL',
    ...(withProgress.has(status) && { progress: status === 'ACTIVE' ? 100 : 0 }),
    ...(s.fault && (status === 'ERROR' || status === 'DELETED') && { fault: faultView(s, v) }),
    ...(atLeast(mv, [2, 9]) && { locked: s.locked }),
    ...(atLeast(mv, [2, 19]) && { description: s.description }),
    ...(atLeast(mv, [2, 26]) && { tags: s.tags }),
  };
}

/** Update and rebuild show each address's version and addr only (Nova's extend_address=False). */
function addressesView(all: Addresses, extend: boolean) {
  if (extend) return all;
  return Object.fromEntries(
    Object.entries(all).map(([net, list]) => [net, list.map((a) => ({ version: a.version, addr: a.addr }))]),
  );
}

/** GET /servers/{id} and /servers/detail entry, microversions 2.1 to 2.37. */
export function serverDetailView(s: Server, v: ViewContext) {
  const mv = v.microversion;
  return {
    ...serverCoreView(s, v),
    'OS-EXT-AZ:availability_zone': s.availabilityZone ?? '',
    config_drive: s.configDrive ? 'True' : '',
    key_name: s.keyName,
    'OS-SRV-USG:launched_at': usageTime(s.launchedAt),
    'OS-SRV-USG:terminated_at': usageTime(s.terminatedAt),
    ...(v.isAdmin && {
      'OS-EXT-SRV-ATTR:host': s.host,
      'OS-EXT-SRV-ATTR:instance_name': `instance-${s.id.slice(0, 8)}`,
      'OS-EXT-SRV-ATTR:hypervisor_hostname': s.node,
      ...(atLeast(mv, [2, 3]) && extendedAttributes(s)),
    }),
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': s.vmState,
    'OS-EXT-STS:power_state': s.powerState,
    'os-extended-volumes:volumes_attached': volumesAttached(s.id, v),
    // As Nova: the key only when the server's ports have groups.
    ...securityGroupsOf(s.id, v),
    ...(atLeast(mv, [2, 16]) && v.hostStatus && { host_status: v.hostStatus(s.host) }),
  };
}

function securityGroupsOf(id: string, v: ViewContext) {
  const groups = v.networking?.securityGroups(id) ?? [];
  return groups.length > 0 ? { security_groups: groups } : {};
}

/** 2.3: what the guest was booted with, admin-only like the other OS-EXT-SRV-ATTR fields. */
function extendedAttributes(s: Server) {
  return {
    'OS-EXT-SRV-ATTR:reservation_id': s.reservationId,
    'OS-EXT-SRV-ATTR:launch_index': s.launchIndex,
    'OS-EXT-SRV-ATTR:hostname': s.hostname,
    // Strata boots whole disks: no separate kernel or ramdisk images.
    'OS-EXT-SRV-ATTR:kernel_id': '',
    'OS-EXT-SRV-ATTR:ramdisk_id': '',
    // The root disk is the first virtio disk; Nova records it when a host builds the server.
    'OS-EXT-SRV-ATTR:root_device_name': s.host !== null ? '/dev/vda' : null,
    'OS-EXT-SRV-ATTR:user_data': s.userData,
  };
}

/**
 * Fault details name hosts and their paths, so only admins see them; the message is cut of
 * host paths for everyone (faults recorded before messages were cleaned included).
 */
function faultView(s: Server, v: ViewContext) {
  const f = s.fault!;
  return {
    code: f.code,
    created: secondsTime(f.created),
    message: withoutHostPaths(f.message),
    ...(v.isAdmin && f.details !== '' && { details: f.details }),
  };
}
