import { describe, expect, it } from 'vitest';
import { randomHex, randomToken } from './ids.js';

describe('random tokens', () => {
  it('are the requested length and never repeat across pool refills', () => {
    const seen = new Set<string>();
    // 9 bytes * 2000 draws crosses the 4 KiB pool several times.
    for (let i = 0; i < 2000; i++) {
      const t = randomToken(9);
      expect(t).toMatch(/^[A-Za-z0-9_-]{12}$/);
      seen.add(t);
    }
    expect(seen.size).toBe(2000);
    expect(randomHex(6)).toMatch(/^[0-9a-f]{12}$/);
    expect(randomToken(5000)).toHaveLength(Math.ceil((5000 * 4) / 3));
  });
});
