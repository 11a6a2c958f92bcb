import { isIP } from 'node:net';
import { atLeast } from '../../common/http/microversion.js';
import type { Microversion } from '../../common/http/microversion.js';
import { InputError } from '../../common/errors.js';
import { parseJson } from '../../db/row-codec.js';
import type { ComputeDeps, ComputeImage } from '../compute-deps.js';
import type { EmbeddedFlavor } from './server-model.js';
import type { ServerCreateRequest } from './server-schemas.js';
import { flavorById } from '../flavors/flavor-store.js';

export interface Caller {
  readonly projectId: string;
  readonly userId: string;
  readonly isAdmin: boolean;
}

const GiB = 1024 ** 3;

/** The flavor a caller may boot (public, shared with the project, or any for admins). */
export async function resolveFlavor(
  deps: ComputeDeps,
  flavorRef: string,
  caller: Caller,
): Promise<EmbeddedFlavor> {
  const db = deps.store.db;
  const f = await flavorById.first(db, { id: flavorRef });
  const shared =
    f !== undefined &&
    (f.is_public === 1 ||
      caller.isAdmin ||
      (await db
        .selectFrom('flavor_projects')
        .select('project_id')
        .where('flavor_id', '=', f.id)
        .where('project_id', '=', caller.projectId)
        .executeTakeFirst()) !== undefined);
  if (f === undefined || !shared || f.disabled === 1) {
    throw new InputError('compute.server.flavor_not_found', `Flavor ${flavorRef} could not be found.`);
  }
  return {
    id: f.id,
    name: f.name,
    vcpus: f.vcpus,
    ram: f.ram,
    disk: f.disk,
    ephemeral: f.ephemeral,
    swap: f.swap,
    extraSpecs: parseJson(f.extra_specs, {}),
  };
}

/** An active image the caller may see, that fits the flavor. */
export async function resolveImage(
  deps: ComputeDeps,
  imageRef: string,
  caller: Caller,
  flavor: EmbeddedFlavor,
): Promise<ComputeImage> {
  const image = imageRef === '' ? undefined : await deps.images.getImage(caller, imageRef);
  if (image === undefined)
    throw new InputError('compute.server.image_not_found', `Image ${imageRef} could not be found.`);
  if (image.status !== 'active')
    throw new InputError('compute.server.image_not_active', `Image ${imageRef} is not active.`);
  checkFlavorDisk(flavor.disk * GiB, image);
  if (image.minRam > flavor.ram) {
    throw new InputError(
      'compute.server.flavor_memory_small',
      "Flavor's memory is too small for requested image.",
    );
  }
  return image;
}

/** The caller's keypair's public key, for metadata and the config drive. */
export async function resolveKey(
  deps: ComputeDeps,
  keyName: string | undefined,
  caller: Caller,
): Promise<string | null> {
  if (keyName === undefined) return null;
  const k = await deps.store.db
    .selectFrom('keypairs')
    .select('public_key')
    .where('user_id', '=', caller.userId)
    .where('name', '=', keyName)
    .executeTakeFirst();
  if (k === undefined) throw new InputError('compute.server.bad_key_name', 'Invalid key_name provided.');
  return k.public_key;
}

/** A requested zone must have at least one host; no zone means any. */
export async function resolveZone(deps: ComputeDeps, zone: string | undefined): Promise<string | null> {
  if (zone === undefined) return null;
  const host = await deps.store.db
    .selectFrom('compute_hosts')
    .select('id')
    .where('availability_zone', '=', zone)
    .executeTakeFirst();
  if (host === undefined)
    throw new InputError('compute.server.bad_zone', 'The requested availability zone is not available');
  return zone;
}

export function checkUserData(userData: string | undefined): string | null {
  if (userData === undefined) return null;
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(userData))
    throw new InputError('compute.server.bad_user_data', 'User data needs to be valid base 64.');
  return userData;
}

export function counts(
  min: number | string | undefined,
  max: number | string | undefined,
): { min: number; max: number } {
  const lo = Number(min ?? 1);
  const hi = Number(max ?? lo);
  if (lo < 1 || hi < 1)
    throw new InputError('compute.server.bad_count', 'min_count and max_count must be at least 1.');
  if (lo > hi) throw new InputError('compute.server.min_over_max', 'min_count must be <= max_count');
  return { min: lo, max: hi };
}

/**
 * Nova's sanitize_hostname, in its order: cut to 63 characters first, then spaces, `_` and
 * `.` become `-`, other characters go, and leading or trailing `-` are stripped last, so a
 * long name never leaves a trailing hyphen (Neutron refuses that dns_name). Unlike Nova,
 * letters outside ASCII go too: Neutron's dns_name takes ASCII only.
 */
export function hostnameOf(name: string): string {
  const h = name
    .slice(0, 63)
    .replace(/[ _.]/g, '-')
    .replace(/[^A-Za-z0-9-]+/g, '')
    .toLowerCase()
    .replace(/^-+|-+$/g, '');
  return h === '' ? 'server' : h;
}

type RequestedNetworks = ServerCreateRequest['server']['networks'];
const uuidShape = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * The shape of `networks` by microversion, as Nova's schema and _get_requested_networks
 * check it; whether the networks and ports exist is the network service's to say
 * (compute/networking/requested-networks.ts).
 */
export function checkNetworks(networks: RequestedNetworks, mv: Microversion | undefined): void {
  // 2.37 made `networks` required and brought 'auto' and 'none'; before it is a list.
  if (atLeast(mv, [2, 37]) && networks === undefined)
    throw new InputError(
      'compute.server.networks_required',
      "Invalid input for field 'server': 'networks' is a required property",
    );
  if (!atLeast(mv, [2, 37]) && typeof networks === 'string')
    throw new InputError(
      'compute.server.networks_not_list',
      `Invalid input for field 'server/networks': '${networks}' is not of type 'array'`,
    );
  if (networks === undefined || typeof networks === 'string') return;
  for (const n of networks) {
    if (n.port !== undefined) {
      if (!uuidShape.test(n.port)) bad(`Bad networks format: port uuid is not in proper format (${n.port})`);
      continue;
    }
    if (n.uuid === undefined || !uuidShape.test(n.uuid))
      bad(`Bad networks format: network uuid is not in proper format (${n.uuid ?? ''})`);
    if (n.fixed_ip !== undefined && isIP(n.fixed_ip) === 0) bad(`Invalid fixed IP address (${n.fixed_ip})`);
  }
}

function bad(message: string): never {
  throw new InputError('compute.server.bad_networks', message);
}

/** Nova's API checks: the image data and its min_disk must fit a flavor disk (0: no check). */
function checkFlavorDisk(flavorBytes: number, image: ComputeImage): void {
  if (flavorBytes === 0) return;
  if ((image.size ?? 0) > flavorBytes)
    throw new InputError(
      'compute.server.flavor_disk_small',
      `Flavor's disk is too small for requested image. Flavor disk is ${flavorBytes} bytes, image is ${image.size} bytes.`,
    );
  if (image.minDisk * GiB > flavorBytes)
    throw new InputError(
      'compute.server.flavor_disk_below_min_disk',
      `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${flavorBytes} bytes, minimum size is ${image.minDisk * GiB} bytes.`,
    );
}
