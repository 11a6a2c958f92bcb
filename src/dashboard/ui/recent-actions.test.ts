import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadRecentActions, recentActions, resultOf } from './recent-actions.js';
import type { Session } from './session.js';

const session: Session = {
  token: 'tok',
  expiresAt: '2999-01-01T00:00:00Z',
  user: { id: 'u1', name: 'alice', domain: 'Default' },
  project: { id: 'p1', name: 'demo' },
  roles: ['member'],
  catalog: [{ type: 'compute', endpoints: [{ interface: 'public', url: 'http://cloud/compute/v2.1/' }] }],
};

type Handler = (path: string) => { status: number; body: unknown };

/** Nova's public API as the browser sees it, recording each path asked for. */
function fakeCompute(handler: Handler): string[] {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: { headers: Record<string, string> }) => {
    expect(init.headers['openstack-api-version']).toBe('compute 2.60');
    expect(init.headers['x-auth-token']).toBe('tok');
    const path = url.replace('http://cloud/compute/v2.1', '');
    asked.push(path);
    const { status, body } = handler(path);
    return new Response(JSON.stringify(body), { status });
  });
  return asked;
}

const action = (server: string, n: number, action = 'reboot') => ({
  action,
  request_id: `req-${server}-${n}`,
  user_id: 'u1',
  start_time: `2026-12-07T10:${String(n).padStart(2, '0')}:00.000000`,
  message: null,
  instance_uuid: server,
});
const done = { finish_time: '2026-12-07T11:00:00.000000', result: 'Success' };

afterEach(() => vi.unstubAllGlobals());

describe('resultOf', () => {
  it('folds event results into one word, and says nothing when Nova hides the events', () => {
    expect(resultOf(undefined)).toBeUndefined();
    expect(resultOf([])).toBe('In progress');
    expect(resultOf([done, { finish_time: null, result: null }])).toBe('In progress');
    expect(resultOf([done, { finish_time: null, result: 'Error' }])).toBe('Error');
    expect(resultOf([done, done])).toBe('Success');
  });
});

describe('loadRecentActions', () => {
  it('merges the latest servers’ actions newest first, bounded, with few requests', async () => {
    // Server a has even minutes 0..18, b odd minutes 1..19: the newest ten interleave.
    const pages: Record<string, ReturnType<typeof action>[]> = {
      a: Array.from({ length: 10 }, (_, i) => action('a', 18 - 2 * i)),
      b: Array.from({ length: 10 }, (_, i) => action('b', 19 - 2 * i)),
    };
    const asked = fakeCompute((path) => {
      if (path === '/servers?sort_key=updated_at&sort_dir=desc&limit=5')
        return {
          status: 200,
          body: {
            servers: [
              { id: 'a', name: 'alpha' },
              { id: 'b', name: 'beta' },
            ],
          },
        };
      const list = /^\/servers\/(\w)\/os-instance-actions\?limit=10$/.exec(path);
      if (list) return { status: 200, body: { instanceActions: pages[list[1]!] } };
      const show = /^\/servers\/(\w)\/os-instance-actions\/(req-\w-(\d+))$/.exec(path);
      if (show) {
        const settled = Number(show[3]) % 4 !== 1;
        const events = [settled ? done : { finish_time: null, result: null }];
        return { status: 200, body: { instanceAction: { ...action(show[1]!, 0), events } } };
      }
      return { status: 404, body: { itemNotFound: { code: 404, message: `no ${path}` } } };
    });

    const first = await loadRecentActions(session);
    expect(first).toHaveLength(recentActions);
    expect(first.map((a) => a.requestId)).toEqual(
      [19, 18, 17, 16, 15, 14, 13, 12, 11, 10].map((n) => `req-${n % 2 ? 'b' : 'a'}-${n}`),
    );
    expect(first[0]).toMatchObject({ action: 'reboot', userId: 'u1', server: { id: 'b', name: 'beta' } });
    expect(first.map((a) => a.result)).toContain('In progress');
    expect(asked).toHaveLength(1 + 2 + recentActions);

    // Settled results are not asked for again; the ones still running are.
    asked.length = 0;
    const again = await loadRecentActions(session);
    expect(again).toEqual(first);
    const running = first.filter((a) => a.result === 'In progress').length;
    expect(asked).toHaveLength(1 + 2 + running);
  });

  it("fails with the service's own message", async () => {
    fakeCompute(() => ({
      status: 403,
      body: { forbidden: { code: 403, message: 'Policy does not allow os_compute_api:servers:index.' } },
    }));
    await expect(loadRecentActions(session)).rejects.toThrow(
      'Policy does not allow os_compute_api:servers:index.',
    );
  });
});
