import { describe, expect, it } from 'vitest';
import { exactJson } from './exact-json.js';

describe('exactJson', () => {
  it('writes bigints as exact integers and everything else as JSON.stringify does', () => {
    const text = exactJson({ total: 2n ** 64n - 2n, small: 3n, negative: -5n, n: 1.5, s: 'x', list: [1n] });
    expect(text).toBe('{"total":18446744073709551614,"small":3,"negative":-5,"n":1.5,"s":"x","list":[1]}');
  });

  it('leaves a string shaped like a stand-in a string', () => {
    const forged = 'bigint-0123456789abcdef:12';
    expect(JSON.parse(exactJson({ name: forged, count: 12n }))).toEqual({ name: forged, count: 12 });
  });
});
