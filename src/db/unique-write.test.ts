import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StrataDb } from './database.js';
import { openDatabase } from './database.js';
import { uniqueWrite } from './unique-write.js';

let store: StrataDb;

const insertDomain = (id: string, name: string) =>
  store.db
    .insertInto('domains')
    .values({ id, name, description: '', enabled: 1, extra: '{}', created_at: new Date().toISOString() })
    .execute();

const duplicate = () => new Error('duplicate domain');

beforeEach(async () => {
  store = await openDatabase(':memory:');
  await insertDomain('d1', 'One');
});

afterEach(async () => {
  await store.close();
});

describe('uniqueWrite', () => {
  it('returns what the write returns', async () => {
    await expect(uniqueWrite(store.traits, async () => 42, duplicate)).resolves.toBe(42);
  });

  it('turns a duplicate primary key into the given error', async () => {
    await expect(uniqueWrite(store.traits, () => insertDomain('d1', 'Other'), duplicate)).rejects.toThrow(
      'duplicate domain',
    );
  });

  it('turns a duplicate unique name into the given error', async () => {
    await expect(uniqueWrite(store.traits, () => insertDomain('d2', 'One'), duplicate)).rejects.toThrow(
      'duplicate domain',
    );
  });

  it('passes other errors through unchanged', async () => {
    const boom = new Error('boom');
    await expect(uniqueWrite(store.traits, () => Promise.reject(boom), duplicate)).rejects.toBe(boom);
    const orphanProject = () =>
      store.db
        .insertInto('projects')
        .values({
          id: 'p1',
          name: 'p',
          domain_id: 'missing',
          parent_id: null,
          description: '',
          enabled: 1,
          extra: '{}',
          tags: '[]',
          created_at: new Date().toISOString(),
        })
        .execute();
    await expect(uniqueWrite(store.traits, orphanProject, duplicate)).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
    });
  });
});
