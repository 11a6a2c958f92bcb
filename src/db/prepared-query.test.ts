import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { insertRows, prepareQuery } from './prepared-query.js';
import { testDialects } from './testing/dialects.js';
import { useTestStore } from './testing/test-store.js';

const now = '2026-12-07T00:00:00.000000';
const domain = (id: string, name: string, description = '') => ({
  id,
  name,
  description,
  enabled: 1 as const,
  extra: '{}',
  created_at: now,
});

const byName = prepareQuery((db, p: { name: string }) =>
  db.selectFrom('domains').select(['id', 'name', 'description']).where('name', '=', p.name),
);
const setDescription = prepareQuery((db, p: { id: string; description: string }) =>
  db.updateTable('domains').set({ description: p.description, enabled: 1 }).where('id', '=', p.id),
);

describe.each(testDialects())('prepared queries (%s)', (dialect) => {
  const store = useTestStore(dialect);

  it('binds each call its own values, also inside a transaction', async () => {
    await insertRows(store().db, 'domains', [domain('d1', 'one'), domain('d2', 'two')]);
    expect(await byName.first(store().db, { name: 'two' })).toEqual({
      id: 'd2',
      name: 'two',
      description: '',
    });
    await store().write(async (tx) => {
      await setDescription.execute(tx, { id: 'd1', description: 'first' });
      expect(await byName.all(tx, { name: 'one' })).toEqual([
        { id: 'd1', name: 'one', description: 'first' },
      ]);
    });
    expect(await byName.first(store().db, { name: 'three' })).toBeUndefined();
  });

  it('reports affected rows as Kysely does', async () => {
    const r = await setDescription.execute(store().db, { id: 'd2', description: 'second' });
    expect(r.numAffectedRows).toBe(1n);
    const none = await setDescription.execute(store().db, { id: 'nope', description: 'x' });
    expect(none.numAffectedRows).toBe(0n);
  });

  it('refuses a call that leaves a parameter out instead of binding the stand-in', async () => {
    await expect(byName.first(store().db, {} as { name: string })).rejects.toThrow(
      /no value for parameter 'name'/,
    );
  });

  it('refuses an expression where a value goes: the SQL is already fixed', async () => {
    await expect(byName.first(store().db, { name: sql<string>`'one'` } as never)).rejects.toThrow(
      /not a plain value/,
    );
  });

  it('inserts rows of any count and keeps columns a row leaves out at their default', async () => {
    await insertRows(store().db, 'domains', [domain('x3', 'three', 'x')]);
    await insertRows(store().db, 'domains', [
      domain('x4', 'four'),
      domain('x5', 'five'),
      domain('x6', 'six'),
    ]);
    // A column left undefined is not given: the table's default applies.
    await insertRows(
      store().db,
      'domains',
      [domain('x7', 'seven'), domain('x8', 'eight')].map((d) => ({ ...d, description: undefined }) as never),
    );
    // An expression is built by Kysely each time, with the same result.
    await insertRows(store().db, 'domains', [
      { ...domain('x9', 'nine'), description: sql<string>`'built'` } as never,
    ]);
    const rows = await store()
      .db.selectFrom('domains')
      .select(['id', 'description'])
      .where('id', '>=', 'x3')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 'x3', description: 'x' },
      { id: 'x4', description: '' },
      { id: 'x5', description: '' },
      { id: 'x6', description: '' },
      { id: 'x7', description: '' },
      { id: 'x8', description: '' },
      { id: 'x9', description: 'built' },
    ]);
  });
});
