import Type from 'typebox';
import { InputError } from '../../common/errors.js';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { compileValidator } from '../../common/http/validation.js';
import { novaBoolean } from '../flavors/flavor-schemas.js';
import { strictBoolean } from '../flavors/flavor-service.js';

/**
 * 2.53 moves the pattern search and the hosted servers from their own paths into query
 * parameters of the list, detail and show, and closes those queries.
 */
const listQuery253 = compileValidator(
  Type.Object(
    {
      limit: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'Page size.' })),
      marker: Type.Optional(Type.String({ description: 'Id of the last hypervisor of the page before.' })),
      hypervisor_hostname_pattern: Type.Optional(
        Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' }),
      ),
      with_servers: Type.Optional(novaBoolean),
    },
    { additionalProperties: false },
  ),
);
const showQuery253 = compileValidator(
  Type.Object({ with_servers: Type.Optional(novaBoolean) }, { additionalProperties: false }),
);

export interface HypervisorListQuery {
  /** Hostname substring; listed whole (no paging), 404 when nothing matches. */
  readonly pattern?: string;
  readonly withServers: boolean;
}

export function hypervisorListQuery(
  mv: Microversion | undefined,
  query: Readonly<Record<string, unknown>>,
): HypervisorListQuery {
  if (!atLeast(mv, [2, 53])) return { withServers: false };
  const q = listQuery253(query, 'query') as {
    limit?: string;
    marker?: string;
    hypervisor_hostname_pattern?: string;
    with_servers?: string | boolean;
  };
  const withServers = strictBoolean(q.with_servers ?? false) ?? false;
  const pattern = q.hypervisor_hostname_pattern;
  if (pattern === undefined) return { withServers };
  if (q.limit !== undefined || q.marker !== undefined)
    throw new InputError(
      'compute.hypervisor.pattern_paging',
      'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.',
    );
  return { pattern, withServers };
}

/** 2.53: `with_servers` on show; nothing else is allowed there. */
export function hypervisorShowWithServers(
  mv: Microversion | undefined,
  query: Readonly<Record<string, unknown>>,
): boolean {
  if (!atLeast(mv, [2, 53])) return false;
  const q = showQuery253(query, 'query') as { with_servers?: string | boolean };
  return strictBoolean(q.with_servers ?? false) ?? false;
}
