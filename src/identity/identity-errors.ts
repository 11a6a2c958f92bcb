import { ConflictError, InputError, NotFoundError, UnauthorizedError } from '../common/errors.js';

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

/** Keystone's ValidationError: a request missing `attribute` in `target` (400). */
export function expectingToFind(attribute: string, target: string): InputError {
  return new InputError(
    'identity.request.incomplete',
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
  );
}
