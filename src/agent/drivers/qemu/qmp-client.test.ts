import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonLineSplitter, QmpClient, QmpError, withQmp } from './qmp-client.js';

describe('JsonLineSplitter', () => {
  it('returns whole CRLF-terminated documents and keeps partial ones', () => {
    const s = new JsonLineSplitter();
    expect(s.push('{"a":1}\r\n{"b"')).toEqual([{ a: 1 }]);
    expect(s.push(':2}\r\n\r\n{"c":3}\r\n')).toEqual([{ b: 2 }, { c: 3 }]);
    expect(s.push('')).toEqual([]);
  });
});

type Reply = (cmd: { execute: string; id?: unknown; arguments?: unknown }, sock: Socket) => void;

describe('QmpClient', () => {
  let dir = '';
  let server: Server;
  let path = '';
  const seen: string[] = [];

  function serve(reply: Reply, greet = true): Promise<void> {
    server = createServer((sock) => {
      if (greet) sock.write('{"QMP": {"version": {}, "capabilities": []}}\r\n');
      const split = new JsonLineSplitter();
      sock.setEncoding('utf8');
      sock.on('data', (chunk: string) => {
        for (const cmd of split.push(chunk) as { execute: string; id?: unknown }[]) {
          seen.push(cmd.execute);
          if (cmd.execute === 'qmp_capabilities')
            sock.write(JSON.stringify({ return: {}, id: cmd.id }) + '\r\n');
          else reply(cmd, sock);
        }
      });
    });
    return new Promise((r) => server.listen(path, r));
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-qmp-'));
    path = join(dir, 'qmp.sock');
    seen.length = 0;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('negotiates capabilities, then matches replies to commands by id, skipping events', async () => {
    await serve((cmd, sock) => {
      sock.write('{"event": "RESUME", "timestamp": {"seconds": 1, "microseconds": 2}}\r\n');
      sock.write(JSON.stringify({ return: { status: 'running', running: true }, id: cmd.id }) + '\r\n');
    });
    const status = await withQmp(path, (q) => q.execute<{ status: string }>('query-status'));
    expect(status.status).toBe('running');
    expect(seen).toEqual(['qmp_capabilities', 'query-status']);
  });

  it('turns a QMP error into a QmpError naming the command and class', async () => {
    await serve((cmd, sock) =>
      sock.write(JSON.stringify({ error: { class: 'GenericError', desc: 'nope' }, id: cmd.id }) + '\r\n'),
    );
    const err = await withQmp(path, (q) => q.execute('cont')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpError);
    expect(err).toMatchObject({ errorClass: 'GenericError', message: 'QMP cont: nope' });
  });

  it('waits for a matching event, seen before or arriving later, and gives up after a timeout', async () => {
    await serve((cmd, sock) => {
      sock.write(JSON.stringify({ return: {}, id: cmd.id }) + '\r\n');
      const event = (device: string) =>
        JSON.stringify({ event: 'DEVICE_DELETED', data: { device } }) + '\r\n';
      sock.write(event('early'));
      setTimeout(() => sock.write(event('late')), 50);
    });
    await withQmp(path, async (q) => {
      await q.execute('device_del');
      const isFor = (id: string) => (e: { event: string; data?: unknown }) =>
        e.event === 'DEVICE_DELETED' && (e.data as { device?: string }).device === id;
      expect(await q.waitForEvent(isFor('early'), 1_000)).toMatchObject({ data: { device: 'early' } });
      expect(await q.waitForEvent(isFor('late'), 1_000)).toMatchObject({ data: { device: 'late' } });
      expect(await q.waitForEvent(isFor('never'), 100)).toBeUndefined();
    });
  });

  it('times out a command QEMU never answers', async () => {
    await serve(() => undefined);
    const q = await QmpClient.connect(path);
    await expect(q.execute('query-status', undefined, 100)).rejects.toThrow(/no reply within 100 ms/);
    q.close();
  });

  it('times out when no greeting arrives (QEMU busy with another client)', async () => {
    await serve(() => undefined, false);
    await expect(QmpClient.connect(path, 150)).rejects.toThrow(/no greeting within 150 ms/);
  });

  it('rejects pending commands when the connection closes (as after quit)', async () => {
    await serve((_cmd, sock) => sock.destroy());
    await expect(withQmp(path, (q) => q.execute('quit'))).rejects.toThrow(/QMP quit: .*closed/);
  });

  it('fails fast when nothing listens on the socket', async () => {
    server = createServer();
    await new Promise<void>((r) => server.listen(join(dir, 'other.sock'), r));
    await expect(QmpClient.connect(path)).rejects.toThrow(/ENOENT/);
  });
});
