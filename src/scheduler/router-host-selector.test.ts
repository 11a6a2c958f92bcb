import { describe, expect, it } from 'vitest';
import { chooseRouterHost, routerHostRejection } from './router-host-selector.js';
import type { RouterHostCandidate } from './router-host-selector.js';

const host = (hostname: string, o: Partial<RouterHostCandidate> = {}): RouterHostCandidate => ({
  hostname,
  enabled: true,
  up: true,
  dataplane: 'linux',
  ...o,
});

describe('router-host-selector', () => {
  it('passes over disabled, down and non-linux hosts, and says why', () => {
    const hosts = [
      host('a', { enabled: false }),
      host('b', { up: false }),
      host('c', { dataplane: 'fake' }),
      host('d', { dataplane: null }),
      host('e'),
    ];
    const choice = chooseRouterHost(hosts, null, new Map());
    expect(choice.host).toBe('e');
    expect(choice.rejected).toEqual({ disabled: 1, down: 1, 'no router dataplane': 2 });
    expect(routerHostRejection(host('x'))).toBeUndefined();
  });

  it('chooses the host with the fewest routers, ties by hostname', () => {
    const hosts = [host('c'), host('a'), host('b')];
    expect(
      chooseRouterHost(
        hosts,
        null,
        new Map([
          ['a', 2],
          ['b', 1],
          ['c', 1],
        ]),
      ).host,
    ).toBe('b');
    expect(chooseRouterHost(hosts, null, new Map()).host).toBe('a');
  });

  it('keeps a router on its current host while that host passes, however loaded', () => {
    const hosts = [host('a'), host('b')];
    expect(chooseRouterHost(hosts, 'b', new Map([['b', 9]])).host).toBe('b');
  });

  it('moves a router off a host that went down or was disabled', () => {
    const hosts = [host('a', { up: false }), host('b')];
    expect(chooseRouterHost(hosts, 'a', new Map([['b', 3]])).host).toBe('b');
    expect(chooseRouterHost([host('a', { enabled: false })], 'a', new Map()).host).toBeUndefined();
  });

  it('chooses nothing when no host can run routers', () => {
    expect(chooseRouterHost([host('a', { dataplane: 'fake' })], null, new Map())).toEqual({
      host: undefined,
      rejected: { 'no router dataplane': 1 },
    });
  });
});
