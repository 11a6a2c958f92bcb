import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** What stores query through: the database, or a transaction a caller opened on it. */
export type Db = Kysely<Database> | Transaction<Database>;

/** A transaction, for steps that must commit with the caller's other writes. */
export type Tx = Transaction<Database>;
