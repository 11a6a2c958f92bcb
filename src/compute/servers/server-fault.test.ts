import { describe, expect, it } from 'vitest';
import { hostFailureFault, withoutHostPaths } from './server-fault.js';

describe('withoutHostPaths', () => {
  it('cuts absolute paths to their last segment', () => {
    expect(withoutHostPaths('link \'/var/lib/strata/cache/runc/x\' -> "/srv/a/b/"')).toBe(
      'link \'…/x\' -> "…/b"',
    );
    expect(withoutHostPaths('qemu-img: /data/instances/abc/disk: No space left')).toBe(
      'qemu-img: …/disk: No space left',
    );
  });

  it('leaves URLs, single segments and relative paths alone', () => {
    const text = 'GET http://10.0.0.1:5000/identity/v3 failed; / and a/b/c and 3/4 stay';
    expect(withoutHostPaths(text)).toBe(text);
  });
});

describe('hostFailureFault', () => {
  it('keeps the full text as details only when the message had to be cut', () => {
    expect(hostFailureFault('no valid host', 'now')).toEqual({
      code: 500,
      message: 'no valid host',
      details: '',
      created: 'now',
    });
    expect(hostFailureFault('open /a/b failed', 'now')).toMatchObject({
      message: 'open …/b failed',
      details: 'open /a/b failed',
    });
  });
});
