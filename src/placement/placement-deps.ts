import type { Logger } from 'pino';
import type { Clock } from '../common/time.js';
import type { StrataDb } from '../db/database.js';

/** What the placement service needs, passed in by the composition root. */
export interface PlacementDeps {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly log: Logger;
}
