import type { StrataDb } from '../db/database.js';
import type { Clock } from '../common/time.js';
import type { AuthFailureLimiter } from './auth/auth-failure-limiter.js';
import type { PasswordHasher } from './passwords/password-hash.js';
import type { TokenKeyRing } from './tokens/token-keys.js';

export interface IdentitySettings {
  /** Token lifetime in seconds (Keystone's [token] expiration). */
  readonly tokenExpirationSec: number;
  /** Region id used for the bootstrap catalog. */
  readonly regionId: string;
  /** Most items one list returns (Keystone's list_limit); 0 = unlimited. */
  readonly listLimit: number;
  /** Most project levels below a domain (Keystone's [DEFAULT] max_project_tree_depth, 5). */
  readonly maxProjectTreeDepth?: number;
  /** Keystone's [security_compliance] lockout_failure_attempts (0: never lock). */
  readonly lockoutFailureAttempts?: number;
  /** Keystone's lockout_duration in seconds (0: locked until an admin enables the user). */
  readonly lockoutDurationSec?: number;
}

/** Everything the identity service needs, passed in by the composition root (src/main.ts). */
export interface IdentityDeps {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  readonly keys: TokenKeyRing;
  readonly settings: IdentitySettings;
  /** Failed token requests per source address (built from authFailuresPerMinute). */
  readonly authFailures?: AuthFailureLimiter;
}
