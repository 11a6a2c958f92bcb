import Type from 'typebox';
import type { TSchema } from 'typebox';
import { InputError } from '../common/errors.js';
import type { PageRequest } from '../common/http/pagination.js';
import { parsePageRequest } from '../common/http/pagination.js';
import { compileValidator } from '../common/http/validation.js';
import { parseIsoTime } from '../common/time.js';
import { apiMaxLimit } from './compute-paging.js';

export interface ChangesPage {
  readonly page: PageRequest;
  readonly changesSince?: string;
}

/**
 * The closed query of Nova's paged lists (instance actions at 2.58, migrations at 2.59):
 * limit, marker and changes-since, plus the list's own filters; anything else is a 400.
 */
export function changesPageParser(filters: ReadonlyArray<string> = []) {
  const check = compileValidator(
    Type.Object(
      {
        limit: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'Page size (at most 1000).' })),
        marker: Type.Optional(Type.String({ description: 'The last item of the page before.' })),
        'changes-since': Type.Optional(Type.String({ description: 'Only items updated since (ISO 8601).' })),
        ...Object.fromEntries(filters.map((f): [string, TSchema] => [f, Type.Optional(Type.String())])),
      },
      { additionalProperties: false },
    ),
  );
  return (query: Readonly<Record<string, unknown>>): ChangesPage => {
    const q = check(query, 'query') as { 'changes-since'?: string };
    const page = parsePageRequest(query, apiMaxLimit);
    const raw = q['changes-since'];
    if (raw === undefined) return { page };
    const changesSince = parseIsoTime(raw);
    if (changesSince === undefined)
      throw new InputError(
        'compute.bad_changes_since',
        `Invalid input for query parameters changes-since. Value: ${raw}. '${raw}' is not a 'date-time'`,
      );
    return { page, changesSince };
  };
}
