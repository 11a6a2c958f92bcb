import { ConflictError, NotFoundError, UnauthorizedError } from '../common/errors.js';

/** Keystone's "Could not find <kind>: <id>." */
export function notFound(kind: string, id: string): NotFoundError {
  return new NotFoundError(`identity.${kind.replace(/ /g, '_')}.not_found`, `Could not find ${kind}: ${id}.`);
}

/** Keystone's duplicate-entry conflict. */
export function duplicate(kind: string, detail: string): ConflictError {
  return new ConflictError(
    `identity.${kind}.duplicate`,
    `Conflict occurred attempting to store ${kind} - ${detail}.`,
  );
}

/** Keystone hides why authentication failed: every failure reads the same. */
export function authFailed(code = 'identity.auth.failed'): UnauthorizedError {
  return new UnauthorizedError(code, 'The request you have made requires authentication.');
}
