import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { DialectName } from '../../db/dialects.js';

/** The two expressions usage needs that SQLite and PostgreSQL spell differently. */
export interface UsageSql {
  /** Microseconds since the epoch of an ISO-8601 UTC text column (stored with milliseconds); NULL stays NULL. */
  epochUs(column: string): RawBuilder<number>;
  /** An integer field of the server's embedded flavor JSON, 0 when absent. */
  flavorInt(field: 'ephemeral'): RawBuilder<number>;
}

/** One entry per dialect, picked with `deps.store.traits.name` (a registry, not a branch). */
export const usageSql: Readonly<Record<DialectName, UsageSql>> = {
  sqlite: {
    epochUs: (column) =>
      sql<number>`(cast(round(unixepoch(${sql.ref(column)}, 'subsec') * 1000) as integer) * 1000)`,
    flavorInt: (field) => sql<number>`coalesce(json_extract(flavor, ${sql.lit(`$.${field}`)}), 0)`,
  },
  postgres: {
    epochUs: (column) =>
      sql<number>`cast(round(extract(epoch from cast(${sql.ref(column)} as timestamptz)) * 1000000) as bigint)`,
    flavorInt: (field) =>
      sql<number>`coalesce(cast(cast(flavor as json) ->> ${sql.lit(field)} as integer), 0)`,
  },
};
