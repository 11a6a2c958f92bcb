import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

describe('work-queue', () => {
  it('collapses duplicate keys while queued', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    expect(await q.take()).toBe('a');
    expect(await q.take()).toBe('b');
  });

  it('never hands a running key out twice and replays a re-add after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const first = await q.take();
    q.add('a');
    expect(q.length).toBe(0);
    q.done(first!);
    expect(q.length).toBe(1);
    expect(await q.take()).toBe('a');
  });

  it('keeps one pending delayed add per key, the earliest', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 60);
    q.addAfter('a', 10); // brings it forward
    q.addAfter('a', 200); // later than pending: no effect
    await new Promise((r) => setTimeout(r, 30));
    expect(q.length).toBe(1);
    expect(await q.take()).toBe('a');
    q.done('a');
    await new Promise((r) => setTimeout(r, 250));
    expect(q.length).toBe(0); // the 60 ms and 200 ms timers were never armed
    q.close();
  });

  it('backs off per key', async () => {
    const q = new WorkQueue(5, 100);
    q.addRateLimited('a');
    expect(q.length).toBe(0);
    expect(await q.take()).toBe('a');
  });

  it('releases takers on close', async () => {
    const q = new WorkQueue();
    const pending = q.take();
    q.close();
    expect(await pending).toBeUndefined();
  });
});
