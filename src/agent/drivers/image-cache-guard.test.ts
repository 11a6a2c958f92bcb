import { describe, expect, it } from 'vitest';
import { ImageCacheGuard } from './image-cache-guard.js';

/** A promise and the function that settles it, to interleave an eviction with a hold. */
function gate(): { readonly wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('image-cache-guard', () => {
  it('refuses to evict an entry a create holds, and evicts it once released', async () => {
    const g = new ImageCacheGuard();
    const removed: string[] = [];
    const release = await g.hold('/c/a');
    const remove = async () => void removed.push('/c/a');
    expect(await g.evict('/c/a', async () => false, remove)).toBe(false);
    release();
    release(); // a second call changes nothing
    expect(await g.evict('/c/a', async () => false, remove)).toBe(true);
    expect(removed).toEqual(['/c/a']);
  });

  it('evicts nothing a workload uses', async () => {
    const g = new ImageCacheGuard();
    let removed = false;
    expect(
      await g.evict(
        '/c/a',
        async () => true,
        async () => void (removed = true),
      ),
    ).toBe(false);
    expect(removed).toBe(false);
  });

  it('gives up an eviction when a hold arrives while it checks use, and the hold waits for it', async () => {
    const g = new ImageCacheGuard();
    const checking = gate();
    let removed = false;
    const evicting = g.evict(
      '/c/a',
      () => checking.wait.then(() => false),
      async () => void (removed = true),
    );
    let held = false;
    const holding = g.hold('/c/a').then((r) => {
      held = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(held).toBe(false); // waits for the eviction to settle
    checking.open();
    expect(await evicting).toBe(false);
    (await holding)();
    expect(removed).toBe(false);
  });

  it('lets a hold that arrives during the removal wait until the entry is gone', async () => {
    const g = new ImageCacheGuard();
    const removing = gate();
    const order: string[] = [];
    const evicting = g.evict(
      '/c/a',
      async () => false,
      async () => {
        order.push('remove started');
        await removing.wait;
        order.push('removed');
      },
    );
    await new Promise((r) => setTimeout(r, 5));
    const holding = g.hold('/c/a').then((r) => {
      order.push('held');
      return r;
    });
    await new Promise((r) => setTimeout(r, 5));
    removing.open();
    expect(await evicting).toBe(true);
    (await holding)();
    expect(order).toEqual(['remove started', 'removed', 'held']);
  });

  it('runs one eviction of a path at a time', async () => {
    const g = new ImageCacheGuard();
    const checking = gate();
    const first = g.evict(
      '/c/a',
      () => checking.wait.then(() => false),
      async () => undefined,
    );
    expect(
      await g.evict(
        '/c/a',
        async () => false,
        async () => undefined,
      ),
    ).toBe(false);
    checking.open();
    expect(await first).toBe(true);
  });
});
