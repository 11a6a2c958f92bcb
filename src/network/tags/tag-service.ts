import { NotFoundError } from '../../common/errors.js';
import { parseJson } from '../../db/row-codec.js';
import { isString, listOf } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { invalidInput } from '../network-errors.js';
import { findNetwork } from '../networks/network-service.js';
import type { Db } from '../../db/db-handle.js';
import { findPort } from '../ports/port-service.js';
import { findSubnet } from '../subnets/subnet-service.js';
import { findGroup } from '../security-groups/security-group-service.js';
import { findFloatingIp } from '../floatingips/floatingip-service.js';
import { findRouter } from '../routers/router-service.js';
import { findSubnetPool } from '../subnetpools/subnetpool-service.js';

/** The collections that carry tags (standard-attr-tag), and how each finds a visible row. */
export const taggable = {
  networks: (db: Db, c: NetworkCaller, id: string) => findNetwork(db, c, id),
  subnets: (db: Db, c: NetworkCaller, id: string) => findSubnet(db, c, id),
  ports: (db: Db, c: NetworkCaller, id: string) => findPort(db, c, id),
  security_groups: (db: Db, c: NetworkCaller, id: string) => findGroup(db, c, id),
  routers: (db: Db, c: NetworkCaller, id: string) => findRouter(db, c, id),
  floatingips: (db: Db, c: NetworkCaller, id: string) => findFloatingIp(db, c, id),
  subnetpools: (db: Db, c: NetworkCaller, id: string) => findSubnetPool(db, c, id),
} as const;
export type Taggable = keyof typeof taggable;

/** Neutron's MAX_TAG_LEN. */
const maxTagLength = 255;

export function validateTag(tag: string): void {
  const bad = isString(maxTagLength)(tag);
  if (bad !== undefined) throw invalidInput(bad);
}

export function validateTagsBody(body: unknown): string[] {
  const tags = (body as Record<string, unknown> | null)?.['tags'];
  if (body === null || typeof body !== 'object' || tags === undefined)
    throw invalidInput('Invalid tags body');
  const bad = listOf(isString(maxTagLength))(tags);
  if (bad !== undefined) throw invalidInput(bad);
  return tags as string[];
}

export const tagNotFound = (tag: string) =>
  new NotFoundError('network.tag.not_found', `Tag ${tag} could not be found.`);

export async function tagsOf(db: Db, caller: NetworkCaller, kind: Taggable, id: string): Promise<string[]> {
  const row = await taggable[kind](db, caller, id);
  return parseJson<string[]>(row.tags, []);
}

/** Replaces the tags in one write, bumping the resource's revision as any standard-attribute change does. */
export async function writeTags(
  deps: NetworkDeps,
  caller: NetworkCaller,
  kind: Taggable,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return deps.store.write(async (tx) => {
    const row = await taggable[kind](tx, caller, id);
    const before = parseJson<string[]>(row.tags, []);
    const after = change(before);
    if (JSON.stringify(before) === JSON.stringify(after)) return after;
    await tx
      .updateTable(kind)
      .set({
        tags: JSON.stringify(after),
        revision_number: row.revision_number + 1,
        updated_at: deps.clock().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    return after;
  });
}

/** The list filters tags (all of), tags-any, not-tags and not-tags-any; values are comma-separated. */
export const tagFilters = {
  tags: (row: Record<string, unknown>, wanted: ReadonlyArray<string>) =>
    split(wanted).every((t) => has(row, t)),
  'tags-any': (row: Record<string, unknown>, wanted: ReadonlyArray<string>) =>
    split(wanted).some((t) => has(row, t)),
  'not-tags': (row: Record<string, unknown>, wanted: ReadonlyArray<string>) =>
    !split(wanted).every((t) => has(row, t)),
  'not-tags-any': (row: Record<string, unknown>, wanted: ReadonlyArray<string>) =>
    !split(wanted).some((t) => has(row, t)),
};

const split = (wanted: ReadonlyArray<string>) => wanted.flatMap((w) => w.split(',')).filter((t) => t !== '');
const has = (row: Record<string, unknown>, tag: string) => ((row['tags'] ?? []) as string[]).includes(tag);
