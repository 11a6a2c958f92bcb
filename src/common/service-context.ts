import type { Logger } from 'pino';
import type { StrataDb } from '../db/database.js';
import type { StrataConfig } from './config.js';
import type { TokenValidator } from './http/auth-context.js';
import type { PolicyEnforcer } from './policy/policy-engine.js';
import type { Clock } from './time.js';

/** What every service plugin receives from the composition root (src/main.ts). */
export interface ServiceContext {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly config: StrataConfig;
  readonly log: Logger;
  /** Shared HTTP plumbing: token validation, the policy enforcer, strict error checks. */
  readonly http: {
    readonly tokens: TokenValidator;
    readonly policy: PolicyEnforcer;
    readonly strictErrors: boolean;
    readonly strictResponses: boolean;
  };
}
