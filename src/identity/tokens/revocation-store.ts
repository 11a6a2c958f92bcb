import { hexId } from '../../common/ids.js';
import type { TokenPayload } from './token-format.js';
import type { Db } from '../../db/db-handle.js';

/**
 * Revocation events, Keystone's model: a token is revoked when an event matches it and
 * was recorded after the token was issued. Events expire with the longest token lifetime.
 */
export async function revokeAuditId(db: Db, auditId: string, now: Date, lifetimeSec: number): Promise<void> {
  await insertEvent(db, { audit_id: auditId }, now, lifetimeSec);
}

/** Every token of the user issued up to now (password change, disable, delete). */
export async function revokeUserTokens(
  db: Db,
  userId: string,
  now: Date,
  lifetimeSec: number,
): Promise<void> {
  await insertEvent(db, { user_id: userId }, now, lifetimeSec);
}

async function insertEvent(
  db: Db,
  match: { audit_id?: string; user_id?: string },
  now: Date,
  lifetimeSec: number,
): Promise<void> {
  const iso = now.toISOString();
  await db
    .insertInto('revocation_events')
    .values({
      id: hexId(),
      user_id: match.user_id ?? null,
      project_id: null,
      domain_id: null,
      audit_id: match.audit_id ?? null,
      issued_before: iso,
      revoked_at: iso,
      expires_at: new Date(now.getTime() + lifetimeSec * 1000).toISOString(),
    })
    .execute();
}

/** True when any event revokes this token (by its audit chain or its user). */
export async function isRevoked(db: Db, t: TokenPayload): Promise<boolean> {
  const issued = new Date(t.issuedAt).toISOString();
  const hit = await db
    .selectFrom('revocation_events')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('audit_id', 'in', [...t.auditIds]),
        eb.and([eb('user_id', '=', t.userId), eb('issued_before', '>=', issued)]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return hit !== undefined;
}

export async function pruneRevocations(db: Db, now: Date): Promise<number> {
  const r = await db
    .deleteFrom('revocation_events')
    .where('expires_at', '<', now.toISOString())
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
