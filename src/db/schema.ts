import type { ComputeTables } from './tables/compute-tables.js';
import type { IdentityTables } from './tables/identity-tables.js';
import type { ImageTables } from './tables/image-tables.js';
import type { NetworkTables } from './tables/network-tables.js';
import type { PlacementTables } from './tables/placement-tables.js';
import type { RouterTables } from './tables/router-tables.js';
import type { VolumeTables } from './tables/volume-tables.js';

/**
 * The whole persisted schema: one interface of tables per service, in src/db/tables.
 * Conventions that keep SQLite and PostgreSQL identical: booleans are integers 0/1, JSON
 * is text, timestamps are ISO-8601 UTC text, ids are UUID strings.
 */
export interface Database
  extends
    IdentityTables,
    ImageTables,
    PlacementTables,
    ComputeTables,
    NetworkTables,
    VolumeTables,
    RouterTables {}

export type { Flag } from './column-types.js';
export type * from './tables/identity-tables.js';
export type * from './tables/compute-tables.js';
export type * from './tables/image-tables.js';
export type * from './tables/placement-tables.js';
export type * from './tables/network-tables.js';
export type * from './tables/volume-tables.js';
export type * from './tables/router-tables.js';
