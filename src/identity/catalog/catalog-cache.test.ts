import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityDeps } from '../identity-deps.js';
import { cachedCatalog, invalidateCatalog } from './catalog-cache.js';
import { catalogTestDeps } from './testing/catalog-test-deps.js';

let deps: IdentityDeps;
beforeEach(async () => {
  deps = await catalogTestDeps();
});
afterEach(async () => {
  await deps.store.close();
});

/** A load the test finishes by hand, to interleave it with invalidations. */
function manualLoad<T>() {
  let finish!: (v: T) => void;
  const promise = new Promise<T>((resolve) => (finish = resolve));
  let calls = 0;
  return { load: () => ((calls += 1), promise), finish, calls: () => calls };
}

describe('catalog-cache', () => {
  it('shares one load between concurrent readers', async () => {
    const m = manualLoad<string>();
    const a = cachedCatalog(deps, 2000, m.load);
    const b = cachedCatalog(deps, 2000, m.load);
    m.finish('v1');
    expect(await Promise.all([a, b])).toEqual(['v1', 'v1']);
    expect(await cachedCatalog(deps, 2000, () => Promise.resolve('v2'))).toBe('v1');
    expect(m.calls()).toBe(1);
  });

  it('does not keep a load that an invalidation overtook', async () => {
    const m = manualLoad<string>();
    const stale = cachedCatalog(deps, 2000, m.load);
    invalidateCatalog(deps);
    const fresh = cachedCatalog(deps, 2000, () => Promise.resolve('fresh'));
    m.finish('stale');
    expect(await stale).toBe('stale');
    expect(await fresh).toBe('fresh');
    expect(await cachedCatalog(deps, 2000, () => Promise.resolve('other'))).toBe('fresh');
  });

  it('reloads once the entry is older than the ttl', async () => {
    await cachedCatalog(deps, 0, () => Promise.resolve('v1'));
    expect(await cachedCatalog(deps, 0, () => Promise.resolve('v2'))).toBe('v2');
  });

  it('forgets a failed load', async () => {
    await expect(cachedCatalog(deps, 2000, () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
    expect(await cachedCatalog(deps, 2000, () => Promise.resolve('ok'))).toBe('ok');
  });
});
