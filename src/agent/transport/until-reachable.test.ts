import { describe, expect, it } from 'vitest';
import { isUnreachable, untilReachable } from './until-reachable.js';

const log = { warn: () => undefined };

function refused(): Error {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
  });
}

describe('untilReachable', () => {
  it('tells a control plane that is not there from one that said no', () => {
    expect(isUnreachable(refused())).toBe(true);
    expect(isUnreachable(new Error('POST /agent/hosts: 503 starting'))).toBe(true);
    expect(isUnreachable(new Error('authentication to http://x/v3 failed: 502 bad gateway'))).toBe(true);
    expect(isUnreachable(new Error('authentication to http://x/v3 failed: 401 {"error":{}}'))).toBe(false);
    expect(isUnreachable(new Error('POST /agent/hosts: 400 bad'))).toBe(false);
    expect(isUnreachable('fetch failed')).toBe(false);
  });

  it('waits while unreachable, then answers what the call answers', async () => {
    let calls = 0;
    const got = await untilReachable(
      'register',
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(refused()) : Promise.resolve('registered');
      },
      { log, delaysMs: [1] },
    );
    expect(got).toBe('registered');
    expect(calls).toBe(3);
  });

  it('gives up at once on an error waiting cannot heal, and when aborted', async () => {
    let calls = 0;
    const denied = untilReachable(
      'register',
      () => {
        calls += 1;
        return Promise.reject(new Error('authentication to http://x/v3 failed: 401 no'));
      },
      { log, delaysMs: [1] },
    );
    await expect(denied).rejects.toThrow(/401/);
    expect(calls).toBe(1);
    const abort = new AbortController();
    const waiting = untilReachable('register', () => Promise.reject(refused()), {
      log,
      signal: abort.signal,
      delaysMs: [60_000],
    });
    abort.abort();
    await expect(waiting).rejects.toThrow();
  });
});
