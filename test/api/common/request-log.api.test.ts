import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/common/config.js';
import type { TestDatabase } from '../../../src/db/testing/dialects.js';
import { createTestDatabase } from '../../../src/db/testing/dialects.js';
import type { Cloud } from '../../../src/main.js';
import { buildCloud } from '../../../src/main.js';

describe('request logging', () => {
  const lines: Array<Record<string, unknown>> = [];
  let db: TestDatabase;
  let dataDir: string;
  let cloud: Cloud;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    dataDir = mkdtempSync(join(tmpdir(), 'strata-log-'));
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l));
        done();
      },
    });
    const config = loadConfig(
      { dataDir, databaseUrl: db.url, passwordHashMemoryKiB: 64, port: 0, computeDriver: 'fake' },
      {},
    );
    cloud = await buildCloud(config, { log: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => {
    await cloud?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tags every log line of a request with the x-openstack-request-id it answers', async () => {
    const res = await cloud.app.inject({ method: 'GET', url: '/identity/v3/projects' });
    expect(res.statusCode).toBe(401);
    const id = res.headers['x-openstack-request-id'];
    expect(id).toMatch(/^req-[0-9a-f-]{36}$/);
    const mine = lines.filter((l) => l['request_id'] === id);
    expect(mine.map((l) => l['msg'])).toEqual(['incoming request', 'request completed']);
    expect(lines.filter((l) => 'reqId' in l)).toEqual([]);
  });

  it('answers with its own id and logs a valid incoming one as the global request id', async () => {
    const incoming = 'req-0a1b2c3d-0000-4000-8000-000000000001';
    const send = () =>
      cloud.app.inject({
        method: 'GET',
        url: '/identity/v3',
        headers: { 'x-openstack-request-id': incoming },
      });
    const [first, second] = [await send(), await send()];
    const ids = [first, second].map((r) => String(r.headers['x-openstack-request-id']));
    expect(ids[0]).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(incoming);
    expect(ids[1]).not.toBe(ids[0]);
    const tagged = lines.filter((l) => l['global_request_id'] === incoming);
    expect(tagged.map((l) => [l['request_id'], l['msg']])).toEqual([
      [ids[0], 'request completed'],
      [ids[1], 'request completed'],
    ]);
  });
});
