import { PreconditionFailedError } from '../common/errors.js';
import type { RequestContext } from '../common/http/route-spec.js';
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
