import { afterAll, beforeAll } from 'vitest';
import type { StrataDb } from '../database.js';
import { openDatabase } from '../database.js';
import type { TestDatabase, TestDialect } from './dialects.js';
import { createTestDatabase } from './dialects.js';

/**
 * A fresh database for the enclosing describe block: created and migrated before its
 * tests, closed and dropped after. Call the returned function inside tests.
 */
export function useTestStore(dialect: TestDialect): () => StrataDb {
  let test: TestDatabase | undefined;
  let store: StrataDb | undefined;
  beforeAll(async () => {
    test = await createTestDatabase(dialect);
    store = await openDatabase(test.url);
  });
  afterAll(async () => {
    await store?.close();
    await test?.drop();
  });
  return () => {
    if (store === undefined) throw new Error('useTestStore: the database is opened in beforeAll');
    return store;
  };
}
