import { UnauthorizedError } from '../../common/errors.js';
import type { IdentityDeps } from '../identity-deps.js';
import * as userStore from '../users/user-store.js';

// Keystone's [security_compliance] lockout: `lockout_failure_attempts` wrong passwords in a
// row lock the user for `lockout_duration` seconds (or until an admin enables the user).

const attemptsOf = (deps: IdentityDeps) => deps.settings.lockoutFailureAttempts ?? 0;

/** Keystone's AccountLocked, checked before the password so a locked user cannot keep guessing. */
export async function checkNotLocked(deps: IdentityDeps, userId: string): Promise<void> {
  const attempts = attemptsOf(deps);
  if (attempts <= 0) return;
  const failed = await userStore.getFailedAuth(deps.store.db, userId);
  if (failed.count < attempts) return;
  const durationMs = (deps.settings.lockoutDurationSec ?? 0) * 1000;
  if (durationMs > 0 && failed.at !== null && Date.parse(failed.at) + durationMs <= deps.clock().getTime()) {
    await userStore.resetFailedAuth(deps.store.db, userId);
    return;
  }
  throw new UnauthorizedError('identity.auth.locked', `The account is locked for user: ${userId}.`);
}

export async function noteFailedPassword(deps: IdentityDeps, userId: string): Promise<void> {
  if (attemptsOf(deps) > 0)
    await userStore.recordFailedAuth(deps.store.db, userId, deps.clock().toISOString());
}

export async function noteRightPassword(deps: IdentityDeps, userId: string): Promise<void> {
  if (attemptsOf(deps) > 0) await userStore.resetFailedAuth(deps.store.db, userId);
}
