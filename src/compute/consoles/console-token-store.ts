import { createHash } from 'node:crypto';
import type { Db } from '../../db/db-handle.js';

/** What a console token opens: one console of one server, served by one host's agent. */
export interface ConsoleGrant {
  readonly consoleType: string;
  readonly serverId: string;
  readonly host: string;
}

/** Tokens are stored as their SHA-256, so the table alone opens no console. */
export function consoleTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Stores a new token's grant until `expires`, dropping tokens that expired before `now`. */
export async function insertConsoleToken(
  db: Db,
  token: string,
  grant: ConsoleGrant,
  now: string,
  expires: string,
): Promise<void> {
  await db.deleteFrom('console_auth_tokens').where('expires', '<=', now).execute();
  await db
    .insertInto('console_auth_tokens')
    .values({
      token_hash: consoleTokenHash(token),
      console_type: grant.consoleType,
      instance_uuid: grant.serverId,
      host: grant.host,
      expires,
      created_at: now,
    })
    .execute();
}

/**
 * Takes the token: deletes it and returns its grant when it was unexpired at `now`. A token
 * works once: a second call (or a concurrent one that lost the delete) gets undefined.
 */
export async function consumeConsoleToken(
  db: Db,
  token: string,
  now: string,
): Promise<ConsoleGrant | undefined> {
  const row = await db
    .deleteFrom('console_auth_tokens')
    .where('token_hash', '=', consoleTokenHash(token))
    .returning(['console_type', 'instance_uuid', 'host', 'expires'])
    .executeTakeFirst();
  if (row === undefined || row.expires <= now) return undefined;
  return { consoleType: row.console_type, serverId: row.instance_uuid, host: row.host };
}
