import type { Clock } from '../common/time.js';
import type { StrataConfig } from '../common/config.js';
import type { StrataDb } from '../db/database.js';

/** What the compute service needs; other services arrive as their in-process APIs. */
export interface ComputeDeps {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly config: StrataConfig;
}
