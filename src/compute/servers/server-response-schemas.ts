import Type from 'typebox';
import type { TSchema } from 'typebox';
import {
  bool,
  byMicroversion,
  int,
  links,
  nullableStr,
  str,
  strict,
  stringMap,
} from '../../common/http/response-schemas.js';
import { noBody } from '../../common/http/route-spec.js';

/** Nova's server bodies per microversion (api-ref "Servers", tempest's compute response schemas). */

// Where a server body changes: 2.3 extended attributes, 2.9 locked, 2.16 host_status,
// 2.19 description, 2.26 tags, 2.47 the flavor embedded, 2.54 key_name and 2.57 user_data on rebuild.
const serverBreaks = ['2.3', '2.9', '2.16', '2.19', '2.26', '2.47', '2.54', '2.57'];

const opt = Type.Optional;

/** The full address, as show and list answer; update and rebuild give version and addr only. */
const extendedAddress = strict({
  version: int,
  addr: str,
  'OS-EXT-IPS:type': str,
  'OS-EXT-IPS-MAC:mac_addr': str,
});
const plainAddress = strict({ version: int, addr: str });

const imageRef = Type.Union([Type.Literal(''), strict({ id: str, links })]);

function flavorOf(since: (v: string) => boolean): TSchema {
  if (!since('2.47')) return strict({ id: str, links });
  return strict({
    vcpus: int,
    ram: int,
    disk: int,
    ephemeral: int,
    swap: int,
    original_name: str,
    extra_specs: opt(stringMap),
  });
}

const fault = strict({ code: int, created: str, message: str, details: opt(str) });

/** The fields every full server body has (Nova's view without the extended parts). */
function coreFields(since: (v: string) => boolean, extendAddress: boolean) {
  return {
    id: str,
    name: str,
    status: str,
    tenant_id: str,
    user_id: str,
    metadata: stringMap,
    hostId: str,
    image: imageRef,
    flavor: flavorOf(since),
    created: str,
    updated: str,
    addresses: Type.Record(str, Type.Array(extendAddress ? extendedAddress : plainAddress)),
    accessIPv4: str,
    accessIPv6: str,
    links,
    'OS-DCF:diskConfig': Type.Union([Type.Literal('MANUAL'), Type.Literal('AUTO')]),
    // Only while building, resizing and the like, and when ACTIVE.
    progress: opt(int),
    // Only in ERROR (or DELETED) with a recorded fault.
    fault: opt(fault),
    ...(since('2.9') && { locked: bool }),
    ...(since('2.19') && { description: nullableStr }),
    ...(since('2.26') && { tags: Type.Array(str) }),
  };
}

/** Admin-only fields (OS-EXT-SRV-ATTR), absent for other callers. */
function extendedAttributes(since: (v: string) => boolean) {
  return {
    'OS-EXT-SRV-ATTR:host': opt(nullableStr),
    'OS-EXT-SRV-ATTR:instance_name': opt(str),
    'OS-EXT-SRV-ATTR:hypervisor_hostname': opt(nullableStr),
    ...(since('2.3') && {
      'OS-EXT-SRV-ATTR:reservation_id': opt(str),
      'OS-EXT-SRV-ATTR:launch_index': opt(int),
      'OS-EXT-SRV-ATTR:hostname': opt(str),
      'OS-EXT-SRV-ATTR:kernel_id': opt(nullableStr),
      'OS-EXT-SRV-ATTR:ramdisk_id': opt(nullableStr),
      'OS-EXT-SRV-ATTR:root_device_name': opt(nullableStr),
      'OS-EXT-SRV-ATTR:user_data': opt(nullableStr),
    }),
  };
}

/** GET /servers/{id} and each /servers/detail entry. */
function detailedServer(since: (v: string) => boolean) {
  return strict({
    ...coreFields(since, true),
    'OS-EXT-AZ:availability_zone': str,
    config_drive: str,
    key_name: nullableStr,
    'OS-SRV-USG:launched_at': nullableStr,
    'OS-SRV-USG:terminated_at': nullableStr,
    'OS-EXT-STS:task_state': nullableStr,
    'OS-EXT-STS:vm_state': str,
    'OS-EXT-STS:power_state': int,
    'os-extended-volumes:volumes_attached': Type.Array(
      since('2.3') ? strict({ id: str, delete_on_termination: bool }) : strict({ id: str }),
    ),
    // Only when the server's ports have groups.
    security_groups: opt(Type.Array(strict({ name: str }))),
    ...extendedAttributes(since),
    // By policy (admins), from 2.16.
    ...(since('2.16') && { host_status: opt(str) }),
  });
}

const listLinks = opt(links);

export const serverListResponse = byMicroversion([], () =>
  strict({ servers: Type.Array(strict({ id: str, name: str, links })), servers_links: listLinks }),
);

export const serverDetailListResponse = byMicroversion(serverBreaks, (since) =>
  strict({ servers: Type.Array(detailedServer(since)), servers_links: listLinks }),
);

export const serverShowResponse = byMicroversion(serverBreaks, (since) =>
  strict({ server: detailedServer(since) }),
);

/** PUT /servers/{id}: the core view, with plain addresses. */
export const serverUpdateResponse = byMicroversion(serverBreaks, (since) =>
  strict({ server: strict(coreFields(since, false)) }),
);

export const serverCreateResponse = Type.Union([
  strict({
    server: strict({
      id: str,
      links,
      'OS-DCF:diskConfig': Type.Union([Type.Literal('MANUAL'), Type.Literal('AUTO')]),
      security_groups: Type.Array(strict({ name: str })),
      adminPass: opt(str),
    }),
  }),
  // return_reservation_id
  strict({ reservation_id: str }),
]);

/** The rebuild action: the core view, plus the password and, later, key name and user data. */
function rebuiltServer(since: (v: string) => boolean) {
  return strict({
    server: strict({
      ...coreFields(since, false),
      adminPass: opt(str),
      ...(since('2.54') && { key_name: nullableStr }),
      ...(since('2.57') && { user_data: nullableStr }),
    }),
  });
}

/** Every body the server action route may answer, by action. */
export const serverActionResponse = byMicroversion(serverBreaks, (since) =>
  Type.Union([
    noBody,
    rebuiltServer(since),
    // createImage from 2.45
    strict({ image_id: str }),
    // os-getConsoleOutput
    strict({ output: str }),
    // the console actions before 2.6
    strict({ console: strict({ type: str, url: str }) }),
    // rescue, evacuate
    strict({ adminPass: str }),
  ]),
);
