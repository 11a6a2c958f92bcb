import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.js';
import { createTestDatabase, testDialects } from '../../db/testing/dialects.js';
import { listActions, listEvents, recordEvent, startAction } from './instance-action-store.js';

describe.each(testDialects())('%s: recordEvent', (dialect) => {
  it("puts the event on the server's latest action of that name and closes it", async () => {
    const testDb = await createTestDatabase(dialect);
    const store = await openDatabase(testDb.url);
    try {
      const who = { serverIds: ['s-1'], projectId: 'p', userId: 'u', action: 'delete' };
      // Several earlier deletes, so that picking any but the latest is seen.
      for (const n of [0, 1, 2, 3, 4])
        await startAction(store.db, { ...who, requestId: 'req-1', now: `2026-12-07T10:00:0${n}.000Z` });
      await startAction(store.db, { ...who, requestId: 'req-2', now: '2026-12-07T10:00:05.000Z' });
      await startAction(store.db, {
        ...who,
        action: 'reboot',
        requestId: 'req-3',
        now: '2026-12-07T10:00:09.000Z',
      });
      const event = { serverId: 's-1', action: 'delete', event: 'api__local_delete', host: null };
      const times = { start: '2026-12-07T10:00:05.000Z', finish: '2026-12-07T10:00:06.000Z' };
      await recordEvent(store.db, { ...event, ...times, ok: false, details: 'host down' });
      await recordEvent(store.db, { ...event, serverId: 's-none', ...times, ok: true });

      const actions = await listActions(store.db, 's-1');
      const byRequest = new Map(actions.map((a) => [a.requestId, a]));
      expect(byRequest.get('req-2')).toMatchObject({ finishTime: times.finish, message: 'Error' });
      for (const a of actions.filter((x) => x.requestId === 'req-1'))
        expect(a).toMatchObject({ finishTime: null, message: null });
      expect(byRequest.get('req-3')).toMatchObject({ finishTime: null });
      expect(await listEvents(store.db, byRequest.get('req-2')!.id)).toEqual([
        {
          event: 'api__local_delete',
          ...{ startTime: times.start, finishTime: times.finish },
          result: 'Error',
          host: null,
          details: 'host down',
        },
      ]);
      for (const a of actions.filter((x) => x.requestId === 'req-1'))
        expect(await listEvents(store.db, a.id)).toEqual([]);
      expect(await listActions(store.db, 's-none')).toEqual([]);
    } finally {
      await store.close();
      await testDb.drop();
    }
  });
});
