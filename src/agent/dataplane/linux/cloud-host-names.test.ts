import { describe, expect, it } from 'vitest';
import { cloudHostNames, ownsBridge } from './cloud-host-names.js';

describe('cloudHostNames', () => {
  it("keeps today's names for the default data dir", () => {
    expect(cloudHostNames('/srv/.data', '/srv/.data')).toEqual({
      namePrefix: '',
      bridgeOwner: 'strata',
      nftTable: 'strata',
    });
  });

  it('gives another data dir its own stable tag', () => {
    const a = cloudHostNames('/tmp/a/data', '/srv/.data');
    expect(a.namePrefix).toMatch(/^strata-[0-9a-f]{6}-$/);
    expect(a.bridgeOwner).toBe(a.namePrefix.slice(0, -1));
    expect(a.nftTable).toBe(a.bridgeOwner);
    expect(cloudHostNames('/tmp/a/data/', '/srv/.data')).toEqual(a);
    expect(cloudHostNames('/tmp/b/data', '/srv/.data').namePrefix).not.toBe(a.namePrefix);
  });
});

describe('ownsBridge', () => {
  it('gives the default cloud its own and unmarked bridges, another cloud only its own', () => {
    expect(ownsBridge(undefined, 'strata')).toBe(true);
    expect(ownsBridge('strata', 'strata')).toBe(true);
    expect(ownsBridge('strata-1a2b3c', 'strata')).toBe(false);
    expect(ownsBridge(undefined, 'strata-1a2b3c')).toBe(false);
    expect(ownsBridge('strata', 'strata-1a2b3c')).toBe(false);
    expect(ownsBridge('strata-1a2b3c', 'strata-1a2b3c')).toBe(true);
  });
});
