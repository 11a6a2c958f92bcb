import { PreconditionFailedError } from '../common/errors.js';
import type { RequestContext } from '../common/http/route-spec.js';
import { sql } from 'kysely';
import type { Db } from '../db/db-handle.js';
import { badRequest } from './network-errors.js';

/**
 * The `If-Match: revision_number=<n>` constraint of a PUT or DELETE (revision-if-match),
 * or undefined when the request has none. Other entity tags are not Neutron's and pass.
 */
export function revisionConstraint(ctx: RequestContext): number | undefined {
  const header = ctx.headers['if-match'];
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text === undefined) return undefined;
  let found: number | undefined;
  for (const raw of text.split(',')) {
    const tag = raw
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1');
    if (!tag.startsWith('revision_number=')) continue;
    if (found !== undefined) throw badRequest('if-match', 'Multiple revision_number etags are not supported');
    const value = tag.slice('revision_number='.length);
    if (!/^-?\d+$/.test(value))
      throw badRequest('if-match', 'Revision number etag must be in the format of revision_number=<int>');
    found = Number(value);
  }
  return found;
}

/** Neutron's RevisionNumberConstraintFailed (412), checked inside the writing transaction. */
export function checkRevision(expected: number | undefined, current: number): void {
  if (expected === undefined || expected === current) return;
  throw new PreconditionFailedError(
    'network.revision_number_constraint.failed',
    `Constrained to ${expected}, but current revision is ${current}`,
  );
}

/**
 * Neutron bumps a parent's revision when a child changes: a network's when a subnet comes
 * or goes, a router's when an interface does (neutron-tempest-plugin's test_revisions).
 */
export async function bumpParentRevision(db: Db, parent: 'networks' | 'routers', id: string, now: string) {
  const bump = { revision_number: sql<number>`revision_number + 1`, updated_at: now };
  if (parent === 'networks') await db.updateTable('networks').set(bump).where('id', '=', id).execute();
  else await db.updateTable('routers').set(bump).where('id', '=', id).execute();
}
